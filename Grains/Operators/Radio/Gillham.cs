namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// The 13-bit identity and altitude codes of Mode A/C, which Mode S replies carry in bits 20–32 in the pulse order
/// C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4 (bit 12 of the field first). Each letter group A, B, C, D is an octal digit
/// (x4·4 + x2·2 + x1); as an altitude the groups are a Gillham (Gray) code in 100 ft steps.
/// </summary>
public static class Gillham
{
    private const int C1 = 0x1000, A1 = 0x0800, C2 = 0x0400, A2 = 0x0200, C4 = 0x0100, A4 = 0x0080;
    private const int B1 = 0x0020, D1 = 0x0010, B2 = 0x0008, D2 = 0x0004, B4 = 0x0002, D4 = 0x0001;

    /// <summary>The identity (squawk) as its four octal digits ABCD read as a decimal number: 7700 for code 7700.</summary>
    public static int Squawk(int field)
    {
        int Digit(int x4, int x2, int x1) => ((field & x4) != 0 ? 4 : 0) + ((field & x2) != 0 ? 2 : 0) + ((field & x1) != 0 ? 1 : 0);
        return Digit(A4, A2, A1) * 1000 + Digit(B4, B2, B1) * 100 + Digit(C4, C2, C1) * 10 + Digit(D4, D2, D1);
    }

    /// <summary>
    /// The Mode C altitude in feet, or null for a code that is no altitude: D1 set, no C pulse, a C group that is no
    /// 100 ft step, or below −1,200 ft. D2 D4 A1 A2 A4 B1 B2 B4 are a Gray code of 500 ft steps, C1 C2 C4 one of
    /// 100 ft steps that runs backwards on odd 500 ft steps.
    /// </summary>
    public static int? Altitude(int field)
    {
        if ((field & D1) != 0 || (field & (C1 | C2 | C4)) == 0) return null;
        var fiveHundreds = GrayToBinary(Pack(field, D2, D4, A1, A2, A4, B1, B2, B4));
        var hundreds = GrayToBinary(Pack(field, C1, C2, C4));
        // Of the 3-bit codes only 1–4 and 7 (which stands for 5) are 100 ft steps.
        if (hundreds == 7) hundreds = 5;
        else if (hundreds > 4) return null;
        if ((fiveHundreds & 1) != 0) hundreds = 6 - hundreds;
        var steps = fiveHundreds * 5 + hundreds - 13;
        return steps < -12 ? null : steps * 100;
    }

    private static int Pack(int field, params ReadOnlySpan<int> pulses)
    {
        var value = 0;
        foreach (var pulse in pulses) value = value << 1 | ((field & pulse) != 0 ? 1 : 0);
        return value;
    }

    private static int GrayToBinary(int gray)
    {
        var binary = gray;
        for (var shift = gray >> 1; shift != 0; shift >>= 1) binary ^= shift;
        return binary;
    }
}
