namespace Dagger.Orleans.Operators.Radio;

/// <summary>How far a message's address can be trusted, worst first: a later message updates a field only from an equal or better source while the field is fresh.</summary>
public enum MessageSource
{
    None,

    /// <summary>DF 0/4/5/16/20/21: the address is the parity syndrome, so a bit error gives a wrong address or a wrong field undetected.</summary>
    ModeS,

    /// <summary>DF 11: the CRC checks the whole frame.</summary>
    ModeSChecked,

    /// <summary>DF 18 with a TIS-B control field (2, 3, 5).</summary>
    TisB,

    /// <summary>DF 17 and DF 18 ADS-B: CRC-checked and sent by the aircraft itself.</summary>
    Adsb,
}

/// <summary>Whether a message says the aircraft is on the ground.</summary>
public enum AirGround
{
    None,
    Ground,
    Airborne,
    Uncertain,
}

/// <summary>
/// What one Mode S frame says about its aircraft, the fields dump1090 takes into its aircraft table (the fields a
/// frame does not carry stay null). See <see cref="ModeSMessageDecoder"/>.
/// </summary>
public struct ModeSMessage
{
    public int Address;
    public int DownlinkFormat;
    public MessageSource Source;

    /// <summary>ES type code (ME bits 1–5) of a DF 17/18; −1 for other formats.</summary>
    public int TypeCode;

    /// <summary>Barometric altitude, ft.</summary>
    public int? Altitude;

    /// <summary>Identity (Mode A code) as its four octal digits read in decimal.</summary>
    public int? Squawk;

    /// <summary>Identification: 8 characters of the ICAO 6-bit set, padded with spaces as sent.</summary>
    public string? Callsign;

    /// <summary>Emitter category: (14 − type code) · 16 + ME bits 6–8, printed in hex as "A3" and so on.</summary>
    public int? Category;

    public AirGround AirGround;

    /// <summary>Ground speed, kt (velocity subtypes 1–2, or the movement field of a surface position).</summary>
    public double? GroundSpeed;

    /// <summary>Track over the ground, degrees clockwise from true north in [0, 360).</summary>
    public double? Track;

    /// <summary>Vertical rate, ft/min (velocity subtypes 1–4).</summary>
    public int? VerticalRate;

    /// <summary>True when the frame carries a CPR position: fractions <see cref="CprLat"/>, <see cref="CprLon"/>.</summary>
    public bool HasCpr;
    public bool CprOdd;
    public bool CprSurface;
    public int CprLat;
    public int CprLon;

    /// <summary>Navigation uncertainty category of the position (from the type code).</summary>
    public int Nuc;
}
