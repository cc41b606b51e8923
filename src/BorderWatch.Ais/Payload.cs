namespace BorderWatch.Ais;

/// <summary>
/// The bits of an armoured payload: each character carries 6 (its code minus 48, minus 8 more above 40), the last
/// character's <c>fill</c> low bits are padding. Reads fields in place; only text allocates.
/// </summary>
public readonly ref struct Payload(ReadOnlySpan<char> armoured, int fill)
{
    private readonly ReadOnlySpan<char> _chars = armoured;

    public int Bits { get; } = armoured.Length * 6 - fill;

    public static int Sixbit(char c) => c - 48 > 40 ? c - 56 : c - 48;

    /// <summary>An unsigned field of up to 32 bits at <paramref name="start"/>.</summary>
    public uint Unsigned(int start, int length)
    {
        // Whole characters at a time: the first one's leading bits dropped, the last one's trailing bits shifted out.
        var i = start / 6;
        ulong value = (ulong)(Sixbit(_chars[i++]) & (0x3F >> (start % 6)));
        var bits = 6 - start % 6;
        while (bits < length)
        {
            value = value << 6 | (uint)Sixbit(_chars[i++]);
            bits += 6;
        }
        return (uint)(value >> (bits - length));
    }

    /// <summary>A two's complement field.</summary>
    public int Signed(int start, int length)
    {
        var raw = Unsigned(start, length);
        return (int)(raw << (32 - length)) >> (32 - length);
    }

    public bool Flag(int start) => Unsigned(start, 1) == 1;

    /// <summary>Six-bit ASCII (0-31 are '@' to '_'), trailing '@' padding and spaces removed; null when empty.</summary>
    public string? Text(int start, int characters)
    {
        characters = Math.Min(characters, (Bits - start) / 6);
        if (characters <= 0) return null;
        Span<char> text = stackalloc char[characters];
        for (var i = 0; i < characters; i++)
        {
            var v = (int)Unsigned(start + 6 * i, 6);
            text[i] = (char)(v < 32 ? v + 64 : v);
        }
        var end = text.IndexOf('@');
        var kept = (end < 0 ? text : text[..end]).TrimEnd(' ');
        return kept.Length == 0 ? null : new string(kept);
    }
}
