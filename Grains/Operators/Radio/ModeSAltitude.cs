namespace Dagger.Orleans.Operators.Radio;

/// <summary>Barometric altitude fields: AC13 of DF 0/4/16/20 (bits 20–32) and the 12-bit field of an airborne position squitter (ME bits 9–20).</summary>
public static class ModeSAltitude
{
    private const int MBit13 = 0x40, QBit = 0x10;

    /// <summary>
    /// AC13 in feet, or null: 0 (no altitude), the M bit set (metres: not decoded, as dump1090 does not), or a Gillham
    /// code that is no altitude. With the Q bit set the 11 other bits count 25 ft steps from −1,000 ft; without it the
    /// field is a Gillham code in 100 ft steps.
    /// </summary>
    public static int? FromAc13(int field)
    {
        if (field == 0 || (field & MBit13) != 0) return null;
        if ((field & QBit) != 0) return (((field & 0x1F80) >> 2) | ((field & 0x20) >> 1) | (field & 0x0F)) * 25 - 1000;
        return Gillham.Altitude(field);
    }

    /// <summary>The ES 12-bit altitude in feet, or null: the AC13 field without its M bit (always feet), decoded alike.</summary>
    public static int? FromAc12(int field)
    {
        if (field == 0) return null;
        if ((field & QBit) != 0) return (((field & 0xFE0) >> 1) | (field & 0x0F)) * 25 - 1000;
        return Gillham.Altitude(((field & 0xFC0) << 1) | (field & 0x3F));
    }
}
