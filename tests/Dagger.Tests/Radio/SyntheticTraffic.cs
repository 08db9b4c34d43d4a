using Dagger.Orleans.Operators.Radio;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// Random but valid Mode S traffic (fixed seed) covering what one real aircraft cannot: many aircraft, every kind of
/// altitude code (Gillham valid and not, 25 ft, metres), squawks, identifications with odd characters, Comm-B
/// identification replies, velocities of both subtypes and both airspeed subtypes, and CPR pairs from anywhere on
/// the globe (some that span a zone boundary or are impossible). Each frame has correct parity: the CRC for DF
/// 11/17, the CRC XOR the address for the others, whose address an earlier DF 11/17 has announced.
/// </summary>
internal static class SyntheticTraffic
{
    public static List<string> Frames(int aircraftPerKind, int seed = 1090)
    {
        var random = new Random(seed);
        var frames = new List<string>();
        var address = 0x100000;
        for (var i = 0; i < aircraftPerKind; i++)
        {
            address += 0x1F3 + random.Next(64);
            Squitters(random, address, frames);
            address += 0x1F3 + random.Next(64);
            Replies(random, address, frames);
            address += 0x1F3 + random.Next(64);
            CommB(random, address, frames);
        }
        return frames;
    }

    /// <summary>An ADS-B aircraft: identification, an even/odd pair (either order, sometimes a third frame), velocity, sometimes an emergency squawk.</summary>
    private static void Squitters(Random random, int address, List<string> frames)
    {
        frames.Add(Squitter(address, 5, me => { me.Set(1, 5, 1 + random.Next(4)); me.Set(6, 8, random.Next(8)); for (var c = 0; c < 8; c++) me.Set(9 + 6 * c, 14 + 6 * c, random.Next(64)); }));
        var ac12 = random.Next(4) == 0 ? 0 : random.Next(1 << 12);
        var tc = 9 + random.Next(10);
        var firstOdd = random.Next(2);
        for (var k = 0; k < 2 + (random.Next(4) == 0 ? 1 : 0); k++)
        {
            var odd = (k + firstOdd) % 2;
            frames.Add(Squitter(address, 5, me => { me.Set(1, 5, tc); me.Set(9, 20, ac12); me.Set(22, 22, odd); me.Set(23, 39, random.Next(1 << 17)); me.Set(40, 56, random.Next(1 << 17)); }));
        }
        var subtype = 1 + random.Next(4);
        frames.Add(Squitter(address, 5, me =>
        {
            me.Set(1, 5, 19);
            me.Set(6, 8, subtype);
            me.Set(14, 14, random.Next(2));
            me.Set(15, 24, random.Next(4) == 0 ? random.Next(3) : random.Next(1024));
            me.Set(25, 25, random.Next(2));
            me.Set(26, 35, random.Next(4) == 0 ? random.Next(3) : random.Next(1024));
            me.Set(36, 37, random.Next(4));
            me.Set(38, 46, random.Next(8) == 0 ? 0 : random.Next(512));
        }));
        if (random.Next(3) == 0) frames.Add(Squitter(address, 5, me => { me.Set(1, 5, 28); me.Set(6, 8, 1); me.Set(12, 24, random.Next(1 << 13)); }));
    }

    /// <summary>A Mode S aircraft announced by DF 11 (any capability: 4 is "on the ground"), then altitude and identity replies.</summary>
    private static void Replies(Random random, int address, List<string> frames)
    {
        frames.Add(AllCall(address, random.Next(8)));
        frames.Add(Reply(4, address, random.Next(8), random.Next(1 << 13)));
        frames.Add(Reply(5, address, random.Next(8), random.Next(1 << 13)));
    }

    /// <summary>DF 20/21 Comm-B replies carrying an identification (BDS 2,0), of plain characters or any.</summary>
    private static void CommB(Random random, int address, List<string> frames)
    {
        frames.Add(Squitter(address, 0, me => me.Set(1, 5, 0)));
        const string plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
        for (var df = 20; df <= 21; df++)
        {
            var bits = new Bits(112);
            bits.Set(1, 5, df);
            bits.Set(6, 8, random.Next(8));
            bits.Set(20, 32, random.Next(1 << 13));
            bits.Set(33, 40, 0x20);
            var anyCharacters = random.Next(3) == 0;
            for (var c = 0; c < 8; c++)
            {
                var ch = plain[random.Next(plain.Length)];
                bits.Set(41 + 6 * c, 46 + 6 * c, anyCharacters ? random.Next(64) : ch == ' ' ? 32 : ch <= '9' && ch >= '0' ? ch : ch - '@');
            }
            frames.Add(bits.WithParity(address));
        }
    }

    private static string Squitter(int address, int capability, Action<Bits> me)
    {
        var bits = new Bits(112);
        bits.Set(1, 5, 17);
        bits.Set(6, 8, capability);
        bits.Set(9, 32, address);
        me(new Bits(bits, 32));
        return bits.WithParity(0);
    }

    private static string AllCall(int address, int capability)
    {
        var bits = new Bits(56);
        bits.Set(1, 5, 11);
        bits.Set(6, 8, capability);
        bits.Set(9, 32, address);
        return bits.WithParity(0);
    }

    private static string Reply(int df, int address, int flightStatus, int field)
    {
        var bits = new Bits(56);
        bits.Set(1, 5, df);
        bits.Set(6, 8, flightStatus);
        bits.Set(20, 32, field);
        return bits.WithParity(address);
    }

    /// <summary>A frame being written by bit number (from 1), or a view of it shifted by <c>offset</c> bits (an ES's ME field).</summary>
    private sealed class Bits
    {
        private readonly byte[] _bytes;
        private readonly int _offset;

        public Bits(int length) => _bytes = new byte[length / 8];

        public Bits(Bits frame, int offset) => (_bytes, _offset) = (frame._bytes, offset);

        public void Set(int first, int last, int value)
        {
            for (var bit = last; bit >= first; bit--, value >>= 1)
            {
                var at = bit + _offset - 1;
                var mask = (byte)(0x80 >> (at & 7));
                _bytes[at >> 3] = (byte)((value & 1) != 0 ? _bytes[at >> 3] | mask : _bytes[at >> 3] & ~mask);
            }
        }

        /// <summary>The frame in hex with its last 24 bits the CRC of the rest XOR <paramref name="address"/>.</summary>
        public string WithParity(int address)
        {
            var n = _bytes.Length;
            var parity = ModeSCrc.Compute(_bytes.AsSpan(0, n - 3)) ^ address;
            (_bytes[n - 3], _bytes[n - 2], _bytes[n - 1]) = ((byte)(parity >> 16), (byte)(parity >> 8), (byte)parity);
            return Convert.ToHexString(_bytes);
        }
    }
}
