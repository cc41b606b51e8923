namespace BorderWatch.Grains.Storage;

/// <summary>
/// A journal shard's log from a point on, held while activations replay from it: each member's record lines, by
/// where they lie. It ends at a line end; a line still being written (or cut by a failed write) is left out.
/// </summary>
internal sealed class ShardTail(JournalPosition start)
{
    private readonly Dictionary<string, List<(JournalPosition At, byte[] Chunk, int Start, int Length)>> _records = new(StringComparer.Ordinal);
    private Task? _reading;

    public JournalPosition Start { get; } = start;
    public JournalPosition End { get; private set; } = start;

    /// <summary>
    /// Takes a piece read from the log, starting at a line start; <paramref name="seen"/> hears of every line in
    /// order, with where it lies (for a state, where its base64 lies) and how long it is.
    /// </summary>
    public void Add(JournalPosition at, byte[] bytes, Action<ShardLines.Kind, string, JournalPosition, int>? seen = null)
    {
        var usable = ShardLines.Walk(bytes, (kind, member, start, length, state) =>
        {
            if (kind == ShardLines.Kind.Record)
            {
                if (!_records.TryGetValue(member!, out var list)) _records[member!] = list = [];
                list.Add((at.Plus(start), bytes, start, length));
            }
            if (seen is null || kind == ShardLines.Kind.Other) return;
            var (offset, stateLength) = kind == ShardLines.Kind.State ? state.GetOffsetAndLength(length) : (0, length);
            seen(kind, member!, at.Plus(start + offset), stateLength);
        });
        if (usable > 0) End = at.Plus(usable);
    }

    /// <summary>
    /// Reads on until the tail reaches <paramref name="end"/>. Callers at the same time share one read, so that no
    /// piece is taken twice.
    /// </summary>
    public async Task ReadToAsync(JournalPosition end, Func<JournalPosition, Action<JournalPosition, byte[]>, Task> read)
    {
        while (End < end)
        {
            var before = End;
            var reading = _reading ??= read(End, (at, bytes) => Add(at, bytes));
            try
            {
                await reading;
            }
            finally
            {
                if (_reading == reading) _reading = null;
            }
            if (End == before && End < end) throw new JournalDamagedException($"the log ends at {End} before {end}, where its writer left it");
        }
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
