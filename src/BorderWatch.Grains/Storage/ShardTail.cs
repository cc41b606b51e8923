namespace BorderWatch.Grains.Storage;

/// <summary>
/// A journal shard's log from its checkpoint on, held while activations replay from it: each member's record
/// lines, by where they lie. It ends at a line end; a line still being written is left for the next read.
/// </summary>
internal sealed class ShardTail(JournalPosition start)
{
    private readonly Dictionary<string, List<(JournalPosition At, byte[] Chunk, int Start, int Length)>> _records = new(StringComparer.Ordinal);

    public JournalPosition Start { get; } = start;
    public JournalPosition End { get; private set; } = start;

    /// <summary>Takes a piece read from the log; <paramref name="seen"/> hears of every header and state line, in order.</summary>
    public void Add(JournalPosition at, byte[] bytes, bool last, Action<ShardLines.Kind, string, JournalPosition, int>? seen = null)
    {
        var usable = last ? bytes.AsSpan().LastIndexOf((byte)'\n') + 1 : bytes.Length;
        string? member = null;
        for (var start = 0; start < usable;)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start, usable - start);
            if (end < 0) end = usable;
            var line = bytes.AsSpan(start, end - start);
            switch (ShardLines.Read(line, out var named))
            {
                case ShardLines.Kind.Record when member is not null:
                    if (!_records.TryGetValue(member, out var list)) _records[member] = list = [];
                    list.Add((at.Plus(start), bytes, start, end - start));
                    break;
                case ShardLines.Kind.Header:
                    member = named;
                    seen?.Invoke(ShardLines.Kind.Header, named!, at.Plus(start), line.Length);
                    break;
                case ShardLines.Kind.State:
                    member = null;
                    seen?.Invoke(ShardLines.Kind.State, named!, at.Plus(start), line.Length);
                    break;
                default:
                    member = null; // a line torn by a failed write
                    break;
            }
            start = end + 1;
        }
        End = at.Plus(usable);
    }

    /// <summary>The member's record lines that lie after a position (its saved state holds the earlier ones).</summary>
    public byte[] RecordsOf(string member, JournalPosition after)
    {
        if (!_records.TryGetValue(member, out var list)) return [];
        using var buffer = new MemoryStream();
        foreach (var (at, chunk, start, length) in list)
        {
            if (at < after) continue;
            buffer.Write(chunk, start, length);
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }
}
