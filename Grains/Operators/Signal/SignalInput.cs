using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>Checks that a signal operator got the element kind it works on, with an error naming the node.</summary>
internal static class SignalInput
{
    public static void Require(InputBatch input, ElementKind kind, string op, string nodeId)
    {
        if (input.Kind != kind)
            throw new InvalidOperationException($"{op} (node '{nodeId}') takes {Describe(kind)} elements, not {Describe(input.Kind)}");
    }

    public static void RequireVector(InputBatch input, string op, string nodeId)
    {
        if (input.Kind is not (ElementKind.Vector or ElementKind.Complex))
            throw new InvalidOperationException($"{op} (node '{nodeId}') takes complex or real vector elements, not {Describe(input.Kind)}");
    }

    public static string Describe(ElementKind kind) => kind switch
    {
        ElementKind.Complex => "complex vector",
        ElementKind.Vector => "real vector",
        ElementKind.Int64 => "int64",
        ElementKind.Float64 => "float64",
        ElementKind.Float32 => "float32",
        _ => "record",
    };
}
