namespace BorderWatch.Ais;

/// <summary>
/// One NMEA 0183 AIS sentence, <c>!AIVDM,count,number,sequence,channel,payload,fill*checksum</c> (any talker, VDM or
/// VDO), with its optional NMEA 4.10 tag block <c>\c:time,s:source,g:part-total-group*checksum\</c> in front. A view
/// over the line: parsing allocates nothing.
/// </summary>
public readonly ref struct Sentence
{
    public ReadOnlySpan<char> Talker { get; init; }
    public bool Own { get; init; }                 // VDO: the receiver's own ship
    public int Count { get; init; }
    public int Number { get; init; }
    public ReadOnlySpan<char> SequenceId { get; init; }
    public char Channel { get; init; }
    public ReadOnlySpan<char> Payload { get; init; }
    public int FillBits { get; init; }

    /// <summary>The tag block's <c>c</c>: the receiver's time of the sentence.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The tag block's <c>s</c>: which station received it.</summary>
    public ReadOnlySpan<char> Source { get; init; }

    /// <summary>The tag block's <c>g</c> group id, or -1: which sentences make one message.</summary>
    public int Group { get; init; }

    /// <summary>Reads a line; on failure <paramref name="error"/> says why (a constant: no allocation either way).</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out Sentence sentence, out string? error)
    {
        sentence = default;
        line = line.Trim();
        DateTimeOffset? time = null;
        ReadOnlySpan<char> source = default;
        var group = -1;
        if (line.Length > 0 && line[0] == '\\')
        {
            var end = line[1..].IndexOf('\\');
            if (end < 0) return Fail("tag block: no closing backslash", out error);
            if (!TagBlock(line.Slice(1, end), out time, out source, out group, out error)) return false;
            line = line[(end + 2)..];
        }
        if (line.Length < 12 || line[0] != '!') return Fail("not an AIS sentence (!..VDM or !..VDO)", out error);
        // The first '*' (armouring has none) ends the sentence; receivers such as the US Coast Guard's append
        // ",s..,d..,T.." fields after the checksum, which are not part of it and are ignored.
        var star = line.IndexOf('*');
        if (star < 0 || star + 3 > line.Length || star + 3 < line.Length && line[star + 3] != ',') return Fail("checksum: missing *hh at the end", out error);
        if (!Checksum(line[1..star], line.Slice(star + 1, 2))) return Fail("checksum: does not match", out error);

        var body = line[1..star];
        var head = body[..Math.Max(0, body.IndexOf(','))];
        if (head.Length != 5 || !(head[2..].SequenceEqual("VDM") || head[2..].SequenceEqual("VDO"))) return Fail("not an AIS sentence (!..VDM or !..VDO)", out error);
        Span<Range> fields = stackalloc Range[8];
        if (body.Split(fields, ',') != 7) return Fail("fields: an AIS sentence has 7", out error);
        if (!Digit(body[fields[1]], out var count) || count is < 1 or > 9) return Fail("fragment count: 1 to 9", out error);
        if (!Digit(body[fields[2]], out var number) || number < 1 || number > count) return Fail("fragment number: 1 to the count", out error);
        var channel = body[fields[4]];
        if (!Digit(body[fields[6]], out var fill) || fill > 5) return Fail("fill bits: 0 to 5", out error);
        if (fill != 0 && number < count) return Fail("fill bits: only the last part of a message has them", out error);
        var payload = body[fields[5]];
        if (payload.Length == 0) return Fail("payload: empty", out error);
        foreach (var c in payload)
        {
            if (c is < '0' or > 'w' || c is > 'W' and < '`') return Fail("payload: a character outside AIS armouring", out error);
        }
        sentence = new Sentence
        {
            Talker = head[..2], Own = head[4] == 'O', Count = count, Number = number, SequenceId = body[fields[3]],
            Channel = channel.Length > 0 ? channel[0] : '?', Payload = payload, FillBits = fill,
            Time = time, Source = source, Group = group,
        };
        error = null;
        return true;
    }

    private static bool TagBlock(ReadOnlySpan<char> block, out DateTimeOffset? time, out ReadOnlySpan<char> source, out int group, out string? error)
    {
        time = null;
        source = default;
        group = -1;
        var star = block.LastIndexOf('*');
        if (star < 0 || star + 3 != block.Length) return Fail("tag block: missing *hh", out error);
        // NMEA 4.10 sums the whole block; some networks (Kystverket's among them) put a g field in front of a block
        // summed over its c field alone, so the sum of the last field is taken too.
        var lastField = block[..star].LastIndexOf(',') + 1;
        if (!Checksum(block[..star], block[(star + 1)..]) && !Checksum(block[lastField..star], block[(star + 1)..]))
            return Fail("tag block: checksum does not match", out error);
        foreach (var range in block[..star].Split(','))
        {
            var field = block[..star][range];
            if (field.Length < 2 || field[1] != ':') return Fail("tag block: a field is not x:value", out error);
            var value = field[2..];
            switch (field[0])
            {
                case 'c':
                    if (!long.TryParse(value, out var stamp) || stamp < 0) return Fail("tag block: c is not UNIX time", out error);
                    // Seconds, or milliseconds from receivers that send them (past year 5138 in seconds).
                    time = stamp > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(stamp) : DateTimeOffset.FromUnixTimeSeconds(stamp);
                    break;
                case 's':
                    source = value;
                    break;
                case 'g':
                    var last = value.LastIndexOf('-');
                    if (last < 0 || !int.TryParse(value[(last + 1)..], out group)) return Fail("tag block: g is not part-total-id", out error);
                    break;
            }
        }
        error = null;
        return true;
    }

    private static bool Checksum(ReadOnlySpan<char> text, ReadOnlySpan<char> hex)
    {
        var sum = 0;
        foreach (var c in text) sum ^= c;
        return hex.Length == 2 && Hex(hex[0]) is var h and >= 0 && Hex(hex[1]) is var l and >= 0 && (h << 4 | l) == sum;
    }

    private static int Hex(char c) => c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'F' ? c - 'A' + 10 : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;

    private static bool Digit(ReadOnlySpan<char> text, out int value)
    {
        value = text.Length == 1 && text[0] is >= '0' and <= '9' ? text[0] - '0' : -1;
        return value >= 0;
    }

    private static bool Fail(string why, out string? error)
    {
        error = why;
        return false;
    }
}
