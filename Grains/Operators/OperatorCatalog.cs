using System.Reflection;
using System.Text.Json;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Operators;

/// <summary>
/// The operators found in a set of assemblies by their <see cref="OperatorAttribute"/>. Creates configured instances
/// for nodes; validation reads the descriptors.
/// </summary>
public sealed class OperatorCatalog : IOperatorCatalog
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Type Type, OperatorDescriptor Descriptor, IReadOnlyList<(PropertyInfo Property, ArgDescriptor Arg)> Args);

    public OperatorCatalog(IEnumerable<Assembly> assemblies)
    {
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var type in LoadableTypes(assembly))
            {
                if (type.GetCustomAttribute<OperatorAttribute>() is not { } attribute) continue;
                if (type.IsAbstract || !typeof(DaggerOperator).IsAssignableFrom(type))
                    throw new InvalidOperationException($"[Operator(\"{attribute.Name}\")] on {type.FullName}: an operator must be a concrete class deriving from SourceOperator, TransformOperator, ElementwiseOperator, LockstepOperator or SinkOperator");
                if (type.GetConstructor(Type.EmptyTypes) is null)
                    throw new InvalidOperationException($"operator '{attribute.Name}' ({type.FullName}) needs a public parameterless constructor");
                var entry = Describe(type, attribute);
                if (_entries.TryGetValue(attribute.Name, out var existing) && existing.Type != type)
                    throw new InvalidOperationException($"operator name '{attribute.Name}' is registered twice: {existing.Type.FullName} and {type.FullName}");
                _entries[attribute.Name] = entry;
            }
        }
    }

    /// <summary>The built-in operators plus those of every Dagger-referencing assembly loaded in this process.</summary>
    public static OperatorCatalog FromLoadedAssemblies(IEnumerable<Assembly>? extra = null)
    {
        var own = typeof(OperatorCatalog).Assembly;
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a == own || a.GetReferencedAssemblies().Any(r => r.Name == own.GetName().Name));
        return new OperatorCatalog(loaded.Concat(extra ?? []));
    }

    public IEnumerable<OperatorDescriptor> All => _entries.Values.Select(e => e.Descriptor);

    public bool TryGet(string name, out OperatorDescriptor descriptor)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            descriptor = entry.Descriptor;
            return true;
        }
        descriptor = null!;
        return false;
    }

    /// <summary>The class behind operator <paramref name="name"/>; null when none has that name.</summary>
    public Type? TypeOf(string name) => _entries.TryGetValue(name, out var entry) ? entry.Type : null;

    /// <summary>A new instance of operator <paramref name="name"/> with its arguments bound from <paramref name="argsJson"/> (already validated).</summary>
    public DaggerOperator Create(string name, string argsJson)
    {
        if (!_entries.TryGetValue(name, out var entry)) throw new ArgumentException($"unknown operator '{name}'", nameof(name));
        var instance = (DaggerOperator)Activator.CreateInstance(entry.Type)!;
        // No arguments (most sinks and transforms): nothing to parse.
        if (argsJson == "{}") return instance;
        using var args = JsonDocument.Parse(argsJson);
        foreach (var (property, arg) in entry.Args)
        {
            if (!args.RootElement.TryGetProperty(arg.Name, out var value)) continue;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object converted = target == typeof(double) ? value.GetDouble()
                : target == typeof(float) ? value.GetSingle()
                : target == typeof(long) ? JsonIntegers.TryGet(value, out var l) ? l : throw new FormatException($"argument '{arg.Name}': {value.GetRawText()} is not an integer")
                : target == typeof(int) ? JsonIntegers.TryGetInt32(value, out var i) ? i : throw new FormatException($"argument '{arg.Name}': {value.GetRawText()} is not a 32-bit integer")
                : target == typeof(bool) ? value.GetBoolean()
                : value.GetString()!;
            property.SetValue(instance, converted);
        }
        return instance;
    }

    private static Entry Describe(Type type, OperatorAttribute attribute)
    {
        var prototype = (DaggerOperator)Activator.CreateInstance(type)!;
        var args = new List<(PropertyInfo, ArgDescriptor)>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<ArgAttribute>() is not { } arg) continue;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var kind = target == typeof(double) || target == typeof(float) ? ArgKind.Number
                : target == typeof(long) || target == typeof(int) ? ArgKind.Integer
                : target == typeof(bool) ? ArgKind.Boolean
                : target == typeof(string) ? ArgKind.String
                : throw new InvalidOperationException($"operator '{attribute.Name}': argument '{arg.Name}' has type {property.PropertyType.Name}; use double, float, long, int, bool or string");
            // A bound the property's own type sets is a bound too: 1e10 does not fit an int.
            var typeMin = target == typeof(int) ? int.MinValue : target == typeof(float) ? float.MinValue : (double?)null;
            var typeMax = target == typeof(int) ? int.MaxValue : target == typeof(float) ? float.MaxValue : (double?)null;
            args.Add((property, new ArgDescriptor(arg.Name, kind, arg.Required, arg.Description, arg.Allowed,
                double.IsNaN(arg.Minimum) ? typeMin : arg.Minimum, double.IsNaN(arg.Maximum) ? typeMax : arg.Maximum,
                DefaultJson(property.GetValue(prototype)),
                arg.IsFile && kind == ArgKind.String ? true : arg.IsFile ? throw new InvalidOperationException($"operator '{attribute.Name}': argument '{arg.Name}' is marked IsFile but is not a string") : false)));
        }
        var min = attribute.MinInputs >= 0 ? attribute.MinInputs : prototype.DefaultMinInputs;
        var max = attribute.MaxInputs >= 0 ? attribute.MaxInputs : prototype.DefaultMaxInputs;
        var descriptor = new OperatorDescriptor(attribute.Name, min, max, prototype.IsSink, args.Select(a => a.Item2).ToArray(), attribute.Summary);
        return new Entry(type, descriptor, args);
    }

    /// <summary>What a fresh instance holds in an argument's property: the value an absent argument takes (null: none).</summary>
    private static string? DefaultJson(object? value) => value switch
    {
        null => null,
        double d when !double.IsFinite(d) => null,
        float f when !float.IsFinite(f) => null,
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        long or int => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => JsonSerializer.Serialize(s),
        _ => null,
    };

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw new InvalidOperationException(
                $"cannot load the types of assembly {assembly.GetName().Name} to look for operators: {e.LoaderExceptions.FirstOrDefault()?.Message}", e);
        }
    }
}
