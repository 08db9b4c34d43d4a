namespace Dagger.Orleans.Operators;

/// <summary>Registers an operator class under the name specs use in <c>"op"</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OperatorAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string Summary { get; init; } = "";

    /// <summary>Inputs for operators that take a variable number (e.g. <c>merge</c>); -1 means the base class decides.</summary>
    public int MinInputs { get; init; } = -1;

    public int MaxInputs { get; init; } = -1;
}

/// <summary>Binds a public settable property to an argument of the spec's <c>"args"</c> object.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ArgAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public bool Required { get; init; }

    public string Description { get; init; } = "";

    /// <summary>For string arguments: the only values accepted.</summary>
    public string[]? Allowed { get; init; }

    /// <summary>For numeric arguments: the smallest value accepted (NaN: no bound).</summary>
    public double Minimum { get; init; } = double.NaN;

    /// <summary>For numeric arguments: the largest value accepted (NaN: no bound beyond the property's type).</summary>
    public double Maximum { get; init; } = double.NaN;

    /// <summary>
    /// For string arguments: the value is a path the operator opens. Validation refuses one outside the silo's file roots
    /// (<c>DaggerOptions.Files</c>), and the operator is given the real path validation resolved.
    /// </summary>
    public bool IsFile { get; init; }
}
