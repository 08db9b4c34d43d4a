using System.Text.Json;

namespace Dagger.Orleans.Spec;

/// <summary>
/// Integers in a spec: <c>3</c>, and also <c>3.0</c> or <c>3e0</c>, which are the same number to a JSON writer
/// (many write every number as a float). A fraction or a value past 64 bits is not an integer.
/// </summary>
public static class JsonIntegers
{
    public static bool TryGet(JsonElement element, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number) return false;
        if (element.TryGetInt64(out value)) return true;
        if (!element.TryGetDouble(out var d) || Math.Floor(d) != d || d < long.MinValue || d >= 9.2233720368547758E18) return false;
        value = (long)d;
        return true;
    }

    public static bool TryGetInt32(JsonElement element, out int value)
    {
        value = 0;
        if (!TryGet(element, out var wide) || wide < int.MinValue || wide > int.MaxValue) return false;
        value = (int)wide;
        return true;
    }
}
