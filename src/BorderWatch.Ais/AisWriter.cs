using System.Text;

namespace BorderWatch.Ais;

/// <summary>
/// Writes AIS as a transponder and receiver would: class A position reports (type 1) and static and voyage data
/// (type 5, two sentences), armoured, with checksums and an NMEA 4.10 tag block carrying the receiver's time. For
/// simulated feeds: whatever it writes, <see cref="AisReader"/> reads back to the same fields.
/// </summary>
public static class AisWriter
{
    /// <summary>The sentences (one line each, tag block in front) of a class A position report.</summary>
    public static string[] Position(PositionReport report, DateTimeOffset received, char channel = 'A')
    {
        var bits = new BitWriter(168);
        bits.Unsigned(1, 6).Unsigned(0, 2).Unsigned(report.Mmsi, 30).Unsigned((uint)(report.Status ?? 15), 4)
            .Signed(report.RateOfTurn ?? -128, 8)
            .Unsigned(report.SpeedKn is { } s ? (uint)Math.Min(1022, Math.Round(s * 10)) : 1023, 10)
            .Unsigned(report.Accurate ? 1u : 0, 1)
            .Signed(report.Lon is { } lon ? (int)Math.Round(lon * 600_000) : 181 * 600_000, 28)
            .Signed(report.Lat is { } lat ? (int)Math.Round(lat * 600_000) : 91 * 600_000, 27)
            .Unsigned(report.CourseDeg is { } c ? (uint)Math.Round(c * 10) % 3600 : 3600, 12)
            .Unsigned((uint)(report.Heading ?? 511), 9)
            .Unsigned((uint)(report.Second ?? 60), 6)
            .Unsigned(0, 2).Unsigned(0, 3).Unsigned(0, 1).Unsigned(0, 19);
        return Sentences(bits, received, channel, null);
    }

    /// <summary>The two sentences of a type 5 (static and voyage data), sharing a sequence id (0-9).</summary>
    public static string[] Voyage(StaticReport report, DateTimeOffset received, int sequenceId, char channel = 'A')
    {
        var (toBow, toStern, toPort, toStarboard) = (report.ToBow ?? 0, report.ToStern ?? 0, report.ToPort ?? 0, report.ToStarboard ?? 0);
        var eta = report.Eta;
        var bits = new BitWriter(424);
        bits.Unsigned(5, 6).Unsigned(0, 2).Unsigned(report.Mmsi, 30).Unsigned(0, 2).Unsigned(report.Imo ?? 0, 30)
            .Text(report.CallSign, 7).Text(report.Name, 20).Unsigned((uint)(report.ShipType ?? 0), 8)
            .Unsigned((uint)toBow, 9).Unsigned((uint)toStern, 9).Unsigned((uint)toPort, 6).Unsigned((uint)toStarboard, 6)
            .Unsigned(1, 4) // position fix: GPS
            .Unsigned((uint)(eta?.Month ?? 0), 4).Unsigned((uint)(eta?.Day ?? 0), 5).Unsigned((uint)(eta?.Hour ?? 24), 5).Unsigned((uint)(eta?.Minute ?? 60), 6)
            .Unsigned(report.DraughtM is { } d ? (uint)Math.Round(d * 10) : 0, 8).Text(report.Destination, 20)
            .Unsigned(0, 1).Unsigned(0, 1);
        return Sentences(bits, received, channel, sequenceId);
    }

    /// <summary>Armours the bits and cuts them into sentences of at most 60 characters, each with its checksum; the first carries the tag block.</summary>
    private static string[] Sentences(BitWriter bits, DateTimeOffset received, char channel, int? sequenceId)
    {
        var (armoured, fill) = bits.Armour();
        var count = (armoured.Length + 59) / 60;
        var sentences = new string[count];
        for (var i = 0; i < count; i++)
        {
            var part = armoured.Substring(i * 60, Math.Min(60, armoured.Length - i * 60));
            var body = $"AIVDM,{count},{i + 1},{(count > 1 ? sequenceId?.ToString() : "")},{channel},{part},{(i == count - 1 ? fill : 0)}";
            var sentence = $"!{body}*{Checksum(body):X2}";
            sentences[i] = i == 0 ? TagBlock(received) + sentence : sentence;
        }
        return sentences;
    }

    public static string TagBlock(DateTimeOffset received)
    {
        var block = $"c:{received.ToUnixTimeSeconds()}";
        return $"\\{block}*{Checksum(block):X2}\\";
    }

    private static int Checksum(string text)
    {
        var sum = 0;
        foreach (var c in text) sum ^= c;
        return sum;
    }

    /// <summary>Fields written high bit first, as AIS lays them out.</summary>
    private sealed class BitWriter(int capacity)
    {
        private readonly bool[] _bits = new bool[capacity];
        private int _length;

        public BitWriter Unsigned(uint value, int width)
        {
            for (var i = width - 1; i >= 0; i--) _bits[_length++] = (value >> i & 1) == 1;
            return this;
        }

        public BitWriter Signed(int value, int width) => Unsigned((uint)value & (width == 32 ? uint.MaxValue : (1u << width) - 1), width);

        /// <summary>Six-bit ASCII, upper case, padded with '@'.</summary>
        public BitWriter Text(string? text, int characters)
        {
            for (var i = 0; i < characters; i++)
            {
                var c = text is not null && i < text.Length ? char.ToUpperInvariant(text[i]) : '@';
                var code = c is >= '@' and <= '_' ? c - 64 : c is >= ' ' and <= '?' ? c : 0;
                Unsigned((uint)code, 6);
            }
            return this;
        }

        public (string Armoured, int Fill) Armour()
        {
            var characters = (_length + 5) / 6;
            var text = new StringBuilder(characters);
            for (var i = 0; i < characters; i++)
            {
                var v = 0;
                for (var b = 0; b < 6; b++) v = v << 1 | (i * 6 + b < _length && _bits[i * 6 + b] ? 1 : 0);
                text.Append((char)(v < 40 ? v + 48 : v + 56));
            }
            return (text.ToString(), characters * 6 - _length);
        }
    }
}
