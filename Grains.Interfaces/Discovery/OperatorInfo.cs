using System.Globalization;
using Dagger.Orleans.Operators;

namespace Dagger.Orleans.Discovery;

/// <summary>
/// One operator as a silo describes it to a client (<c>dagger operators</c>): made from the same
/// <see cref="OperatorDescriptor"/> validation reads, so what is listed is what a spec may use.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OperatorInfo
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string Summary { get; init; } = "";
    [Id(2)] public int MinInputs { get; init; }
    /// <summary><see cref="int.MaxValue"/> for an operator that takes any number of inputs (e.g. <c>merge</c>).</summary>
    [Id(3)] public int MaxInputs { get; init; }
    [Id(4)] public bool IsSink { get; init; }
    [Id(5)] public IReadOnlyList<ArgInfo> Args { get; init; } = [];

    public bool IsSource => MaxInputs == 0;

    /// <summary>A sink ends the stream (its result is the run's); every other operator has one output stream, which any number of edges may read.</summary>
    public int Outputs => IsSink ? 0 : 1;

    public static OperatorInfo From(OperatorDescriptor descriptor) => new()
    {
        Name = descriptor.Name,
        Summary = descriptor.Summary,
        MinInputs = descriptor.MinInputs,
        MaxInputs = descriptor.MaxInputs,
        IsSink = descriptor.IsSink,
        Args = descriptor.Args.Select(ArgInfo.From).ToArray(),
    };
}

/// <summary>One argument of an operator: its JSON type, whether it is required, its default, and the values it accepts.</summary>
[GenerateSerializer, Immutable]
public sealed record ArgInfo
{
    [Id(0)] public required string Name { get; init; }
    /// <summary><c>number</c>, <c>integer</c>, <c>string</c> or <c>boolean</c>.</summary>
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public bool Required { get; init; }
    [Id(3)] public string Description { get; init; } = "";
    /// <summary>The value an absent argument takes, as JSON text; null when it has none (absent means something of its own, e.g. an endless <c>range</c>).</summary>
    [Id(4)] public string? DefaultJson { get; init; }
    [Id(5)] public double? Minimum { get; init; }
    [Id(6)] public double? Maximum { get; init; }
    [Id(7)] public IReadOnlyList<string>? Allowed { get; init; }

    public static ArgInfo From(ArgDescriptor arg) => new()
    {
        Name = arg.Name,
        Type = arg.Kind switch
        {
            ArgKind.Number => "number",
            ArgKind.Integer => "integer",
            ArgKind.String => "string",
            _ => "boolean",
        },
        Required = arg.Required,
        Description = arg.Description,
        DefaultJson = arg.Required ? null : arg.DefaultJson,
        Minimum = arg.Minimum,
        Maximum = arg.Maximum,
        Allowed = arg.Allowed?.ToArray(),
    };

    /// <summary>The accepted range as text (<c>≥ 0</c>, <c>1 … 65536</c>, <c>one of a, b</c>), or "" when any value of the type goes.</summary>
    public string RangeText => Allowed is { Count: > 0 } allowed ? "one of " + string.Join(", ", allowed)
        : (Shown(Minimum), Shown(Maximum)) switch
        {
            ({ } min, { } max) => $"{Format(min)} … {Format(max)}",
            ({ } min, null) => $"≥ {Format(min)}",
            (null, { } max) => $"≤ {Format(max)}",
            _ => "",
        };

    // The bounds of an int or float property's own type are bounds too (validation checks them), but as text they only hide the ones that matter.
    private static double? Shown(double? bound) => bound is { } b && Math.Abs(b) >= int.MaxValue ? null : bound;

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
