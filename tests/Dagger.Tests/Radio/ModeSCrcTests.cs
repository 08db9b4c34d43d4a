using Dagger.Orleans.Operators.Radio;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

public sealed class ModeSCrcTests
{
    private const string Df17 = "8D4840D6202CC371C32CE0576098";

    [Fact]
    public void The_classic_extended_squitter_checks_and_carries_its_address_in_clear()
    {
        var frame = Convert.FromHexString(Df17);

        Assert.Equal(0, ModeSCrc.Syndrome(frame));
        Assert.Equal(17, ModeSFormat.DownlinkFormat(frame[0]));
        Assert.Equal(112, ModeSFormat.Bits(17));
        Assert.Equal(0x4840D6, ModeSFormat.AddressInClear(frame));
        Assert.Equal(0x576098, ModeSCrc.Compute(frame.AsSpan(0, 11)));
    }

    [Fact]
    public void Any_one_flipped_bit_gives_a_non_zero_syndrome()
    {
        var frame = Convert.FromHexString(Df17);
        for (var bit = 0; bit < 112; bit++)
        {
            frame[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
            Assert.NotEqual(0, ModeSCrc.Syndrome(frame));
            frame[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
        }
    }

    [Fact]
    public void An_address_parity_reply_has_its_aircraft_address_as_syndrome()
    {
        // DF 4 and DF 11 replies of the same aircraft in modes1.bin.
        Assert.Equal(0x4D2023, ModeSCrc.Syndrome(Convert.FromHexString("20000F1F684A6C")));
        Assert.Equal(0, ModeSCrc.Syndrome(Convert.FromHexString("5D4D20237A55A6")));
    }

    [Fact]
    public void The_crc_is_the_remainder_of_division_by_the_generator_polynomial()
    {
        // x²⁴ divided by the generator leaves the generator's low 24 bits.
        Assert.Equal(ModeSCrc.Generator, ModeSCrc.Compute([0x01]));
        Assert.Equal(ModeSCrc.Generator, BitwiseRemainder([0x01]));
        var data = Convert.FromHexString(Df17).AsSpan(0, 11).ToArray();
        Assert.Equal(BitwiseRemainder(data), ModeSCrc.Compute(data));
    }

    [Theory]
    [InlineData(Df17)]
    [InlineData("5D4D20237A55A6")]
    public void Every_single_bit_error_after_the_format_field_is_repaired(string hex)
    {
        var good = Convert.FromHexString(hex);
        for (var bit = ModeSBitRepair.FirstRepairableBit; bit < good.Length * 8; bit++)
        {
            var frame = (byte[])good.Clone();
            frame[bit >> 3] ^= (byte)(0x80 >> (bit & 7));

            Assert.Equal(bit, ModeSBitRepair.TryRepair(frame, ModeSCrc.Syndrome(frame)));
            Assert.Equal(good, frame);
        }
    }

    [Fact]
    public void An_error_in_the_format_field_is_not_repaired()
    {
        var frame = Convert.FromHexString(Df17);
        frame[0] ^= 0x08;
        var before = (byte[])frame.Clone();

        Assert.Equal(-1, ModeSBitRepair.TryRepair(frame, ModeSCrc.Syndrome(frame)));
        Assert.Equal(before, frame);
    }

    private static int BitwiseRemainder(byte[] data)
    {
        // Long division bit by bit over data followed by 24 zero bits, the textbook definition.
        long register = 0;
        var bits = data.Length * 8 + 24;
        for (var i = 0; i < bits; i++)
        {
            var bit = i < data.Length * 8 ? (data[i >> 3] >> (7 - (i & 7))) & 1 : 0;
            register = (register << 1) | (long)bit;
            if ((register & (1L << 24)) != 0) register ^= 0x1000000L | ModeSCrc.Generator;
        }
        return (int)register;
    }
}
