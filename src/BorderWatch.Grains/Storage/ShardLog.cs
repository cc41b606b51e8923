using System.Runtime.CompilerServices;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// A journal shard's log: NDJSON lines over an <see cref="IJournalStorage"/>, written by one writer at a time. A write
/// is split into blocks at line ends and kept in one segment, so that every line can be read back from one place.
/// </summary>
public sealed class ShardLog
{
    // Reads go in pieces this large (longer when one line is): a shard's tail can run to gigabytes.
    private const int ReadBytes = 8 * 1024 * 1024;

    // Ranges closer than this are read as one: the bytes between cost less than a request of their own.
    private const int ReadGap = 64 * 1024;

    private readonly IJournalStorage _storage;
    private int _blocks;
    private bool _torn, _broken;

    private ShardLog(IJournalStorage storage, JournalPosition end, int blocks, bool torn) =>
        (_storage, End, _blocks, _torn) = (storage, end, blocks, torn);

    /// <summary>Where the log ends: the next write goes there.</summary>
    public JournalPosition End { get; private set; }

    /// <summary>A segment that reaches this length is closed: the next write starts the next one.</summary>
    public long SegmentBytes { get; init; } = long.MaxValue;

    /// <summary>
    /// Reads the log from a position to its end, handing each piece (whole lines, except perhaps a torn last one) to
    /// <paramref name="piece"/>, and returns it ready to append after what was read.
    /// </summary>
    public static async Task<ShardLog> OpenAsync(IJournalStorage storage, JournalPosition from, Action<JournalPosition, byte[]> piece,
        long segmentBytes = long.MaxValue, CancellationToken cancellation = default)
    {
        var (end, torn) = (from, false);
        await foreach (var (at, bytes) in PiecesAsync(storage, from, cancellation))
        {
            piece(at, bytes);
            (end, torn) = (at.Plus(bytes.Length), bytes.Length > 0 && bytes[^1] != (byte)'\n');
        }
        var last = await storage.SegmentAsync(end.Segment, cancellation);
        // A sealed last segment was closed by a write to the next one that never landed: that one starts afresh.
        if (last is { IsSealed: true }) (end, torn, last) = (new JournalPosition(end.Segment + 1, 0), false, null);
        return new ShardLog(storage, end, last?.Blocks ?? 0, torn) { SegmentBytes = segmentBytes };
    }

    /// <summary>
    /// Opens the log at its end without reading it (a log read only where an index points, as saved states are);
    /// throws <see cref="JournalDamagedException"/> when it ends before <paramref name="atLeast"/>.
    /// </summary>
    public static async Task<ShardLog> OpenAtEndAsync(IJournalStorage storage, JournalPosition atLeast, long segmentBytes,
        CancellationToken cancellation = default)
    {
        var last = (await storage.SegmentsAsync(cancellation)).LastOrDefault();
        var end = new JournalPosition(last.Segment, last.Length);
        if (end < atLeast)
            throw new JournalDamagedException($"the log ends at {end}, but {atLeast} was acknowledged: storage lost writes. Restore the journal container from a backup.");
        var torn = last.Length > 0 && (await storage.ReadAsync(end.Plus(-1), 1, cancellation))[0] != (byte)'\n';
        var blocks = (await storage.SegmentAsync(end.Segment, cancellation))?.Blocks ?? 0;
        return new ShardLog(storage, end, blocks, torn) { SegmentBytes = segmentBytes };
    }

    /// <summary>Every line from the oldest segment kept, streamed a piece at a time (the archive, for export).</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadLinesAsync(IJournalStorage storage,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var first = (await storage.SegmentsAsync(cancellation)).FirstOrDefault().Segment;
        await foreach (var (_, bytes) in PiecesAsync(storage, new JournalPosition(first, 0), cancellation))
        {
            foreach (var (start, length) in LineRanges(bytes)) yield return bytes.AsMemory(start, length);
        }
    }

    public Task<byte[]> ReadAsync(JournalPosition at, int length, CancellationToken cancellation = default) =>
        _storage.ReadAsync(at, length, cancellation);

    /// <summary>
    /// Reads several ranges, each whole, in order given; ranges of a segment that lie near each other (less than
    /// <see cref="ReadGap"/> apart) come in one request. States saved together (a fleet saves hundreds a write)
    /// are read back together: a request of 5,000 returning assets costs a few reads, not one a state.
    /// </summary>
    public async Task<byte[][]> ReadManyAsync(IReadOnlyList<(JournalPosition At, int Length)> ranges, CancellationToken cancellation = default)
    {
        var runs = new List<(JournalPosition At, long Length, List<int> Ranges)>();
        foreach (var i in Enumerable.Range(0, ranges.Count).OrderBy(i => ranges[i].At))
        {
            var (at, length) = ranges[i];
            if (runs.Count > 0 && runs[^1] is var (start, taken, members) && start.Segment == at.Segment
                && at.Offset <= start.Offset + taken + ReadGap && at.Offset + length - start.Offset <= ReadBytes)
            {
                members.Add(i);
                runs[^1] = (start, Math.Max(taken, at.Offset + length - start.Offset), members);
            }
            else runs.Add((at, length, [i]));
        }
        var read = new byte[ranges.Count][];
        await Task.WhenAll(runs.Select(async run =>
        {
            var bytes = await _storage.ReadAsync(run.At, run.Length, cancellation);
            foreach (var i in run.Ranges) read[i] = bytes.AsSpan((int)(ranges[i].At.Offset - run.At.Offset), ranges[i].Length).ToArray();
        }));
        return read;
    }

    /// <summary>
    /// Appends NDJSON (whole lines, each ending in '\n'); durable when the task completes. Returns where the bytes
    /// start. After a failed append the log cannot know where it ends: it refuses more until opened again.
    /// </summary>
    public async Task<JournalPosition> AppendAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellation = default)
    {
        if (_broken) throw new InvalidOperationException("an earlier append to this log failed: open it again to learn where it ends");
        // A write cut short leaves a line without its end: this one starts a fresh line, so the fragment stays a
        // fragment (a saved state's line says how long it is, so a cut one is never taken for whole).
        if (_torn) lines = (byte[])[(byte)'\n', .. lines.Span];
        var blocks = Blocks(lines, _storage.MaxBlockBytes);
        if ((_blocks + blocks.Count > _storage.MaxBlocksPerSegment || End.Offset >= SegmentBytes) && End.Offset > 0)
        {
            (End, _blocks) = (new JournalPosition(End.Segment + 1, 0), 0); // a leading '\n' there is an empty line
        }
        var start = End.Plus(_torn ? 1 : 0);
        _broken = true;
        foreach (var block in blocks)
        {
            _blocks = await _storage.AppendAsync(End, block, cancellation);
            End = End.Plus(block.Length);
        }
        (_broken, _torn) = (false, false);
        return start;
    }

    /// <summary>Where each non-empty line of journal bytes lies (without its '\n').</summary>
    public static IEnumerable<(int Start, int Length)> LineRanges(byte[] chunk)
    {
        var start = 0;
        while (start < chunk.Length)
        {
            var end = Array.IndexOf(chunk, (byte)'\n', start);
            if (end < 0) end = chunk.Length;
            if (end > start) yield return (start, end - start);
            start = end + 1;
        }
    }

    /// <summary>The log from a position on, in pieces that end at line ends (but for a torn end of a segment).</summary>
    private static async IAsyncEnumerable<(JournalPosition At, byte[] Bytes)> PiecesAsync(IJournalStorage storage, JournalPosition from,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var at = from;
        var segment = await storage.SegmentAsync(at.Segment, cancellation);
        while (true)
        {
            var length = segment?.Length ?? 0;
            if (length < at.Offset)
            {
                throw new JournalDamagedException(
                    $"segment {at.Segment} holds {length:N0} bytes, but {at.Offset:N0} were acknowledged: storage lost writes. " +
                    "The shard stops rather than skip records; restore the journal container from a backup.");
            }
            while (at.Offset < length)
            {
                var bytes = await ReadWholeLinesAsync(storage, at, length, cancellation);
                yield return (at, bytes);
                at = at.Plus(bytes.Length);
            }
            if (await storage.SegmentAsync(at.Segment + 1, cancellation) is not { } next) yield break;
            (at, segment) = (new JournalPosition(at.Segment + 1, 0), next);
        }
    }

    private static async Task<byte[]> ReadWholeLinesAsync(IJournalStorage storage, JournalPosition at, long segmentLength, CancellationToken cancellation)
    {
        var want = Math.Min(ReadBytes, segmentLength - at.Offset);
        while (true)
        {
            var bytes = await storage.ReadAsync(at, want, cancellation);
            if (at.Offset + bytes.Length >= segmentLength) return bytes;
            var cut = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
            if (cut > 0) return cut == bytes.Length ? bytes : bytes[..cut];
            want = Math.Min(2 * want, segmentLength - at.Offset); // a line longer than a piece
        }
    }

    /// <summary>Splits into blocks no larger than an append block may be, at line ends unless a line is longer.</summary>
    private static List<ReadOnlyMemory<byte>> Blocks(ReadOnlyMemory<byte> lines, int maxBlockBytes)
    {
        var blocks = new List<ReadOnlyMemory<byte>>(1 + lines.Length / maxBlockBytes);
        while (lines.Length > maxBlockBytes)
        {
            var cut = lines.Span[..maxBlockBytes].LastIndexOf((byte)'\n') + 1;
            if (cut == 0) cut = maxBlockBytes;
            blocks.Add(lines[..cut]);
            lines = lines[cut..];
        }
        if (lines.Length > 0) blocks.Add(lines);
        return blocks;
    }
}
