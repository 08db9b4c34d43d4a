namespace Dagger.Orleans.Operators;

/// <summary>What validation needs to know of an operator: its name, how many inputs it takes, whether it is a sink, and its arguments.</summary>
public sealed record OperatorDescriptor(
    string Name,
    int MinInputs,
    int MaxInputs,
    bool IsSink,
    IReadOnlyList<ArgDescriptor> Args,
    string Summary)
{
    public bool IsSource => MaxInputs == 0;

    public string ArityText => MinInputs == MaxInputs
        ? $"{MinInputs} input{(MinInputs == 1 ? "" : "s")}"
        : MaxInputs == int.MaxValue ? $"at least {MinInputs} input{(MinInputs == 1 ? "" : "s")}" : $"{MinInputs} to {MaxInputs} inputs";
}

public enum ArgKind { Number, Integer, String, Boolean }

/// <summary>
/// One operator argument. <see cref="Allowed"/>, when set, lists the only string values accepted; <see cref="DefaultJson"/>
/// is the value an absent argument takes, as JSON (null: none, absence means something of its own). <see cref="IsFile"/>: a
/// string argument naming a file the operator opens, which must lie under the silo's file roots.
/// </summary>
public sealed record ArgDescriptor(string Name, ArgKind Kind, bool Required, string Description, IReadOnlyList<string>? Allowed = null, double? Minimum = null, double? Maximum = null, string? DefaultJson = null, bool IsFile = false);

/// <summary>The operators a silo (or the CLI, for offline validation) knows by name.</summary>
public interface IOperatorCatalog
{
    bool TryGet(string name, out OperatorDescriptor descriptor);

    IEnumerable<OperatorDescriptor> All { get; }
}
