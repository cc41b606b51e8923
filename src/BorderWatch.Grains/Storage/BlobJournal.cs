using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// A write-ahead log: NDJSON lines in a chain of append blobs (<c>{prefix}/00000.ndjson</c>, ...), written by one
/// writer at a time. An append is conditioned on the position this writer expects, so a write whose outcome was
/// unknown (a timeout that did land) is detected instead of being written twice.
/// </summary>
public sealed class BlobJournal(BlobContainerClient container, string prefix, JournalPosition start)
{
    // Append blobs hold at most 50,000 blocks; a write that might not fit starts the next segment.
    private const int MaxBlocksPerSegment = 48_000;
    private const int MaxBlockBytes = 4 * 1024 * 1024;

    private bool _segmentExists = start.Offset > 0;
    private int _blocks;
    private bool _torn;

    public JournalPosition Position { get; private set; } = start;

    /// <summary>Reads everything after <see cref="Position"/>, each piece with where it starts, and moves to the end.</summary>
    public async Task<List<(JournalPosition Start, byte[] Bytes)>> ReadTailAsync(CancellationToken cancellation = default)
    {
        var chunks = new List<(JournalPosition, byte[])>();
        while (true)
        {
            var properties = await PropertiesAsync(Position.Segment, cancellation);
            if (properties is null) return chunks;
            _segmentExists = true;
            _blocks = properties.BlobCommittedBlockCount;
            if (properties.ContentLength > Position.Offset)
            {
                var bytes = await ReadRangeAsync(Position, properties.ContentLength - Position.Offset, cancellation);
                chunks.Add((Position, bytes));
                Position = Position with { Offset = properties.ContentLength };
                // A write cut short leaves a line without its end: the next append starts a fresh line.
                _torn = bytes[^1] != (byte)'\n';
            }
            if (await PropertiesAsync(Position.Segment + 1, cancellation) is null) return chunks;
            Position = new JournalPosition(Position.Segment + 1, 0);
        }
    }

    /// <summary>Bytes of one segment, from a position on.</summary>
    public async Task<byte[]> ReadRangeAsync(JournalPosition at, long length, CancellationToken cancellation = default)
    {
        var options = new BlobDownloadOptions { Range = new HttpRange(at.Offset, length) };
        var content = await Segment(at.Segment).DownloadContentAsync(options, cancellation);
        return content.Value.Content.ToArray();
    }

    /// <summary>
    /// Appends NDJSON (whole lines, each ending in '\n'), all into one segment; durable when the task completes.
    /// Returns where the bytes start.
    /// </summary>
    public async Task<JournalPosition> AppendAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellation = default)
    {
        if (_torn) lines = (byte[])[(byte)'\n', .. lines.Span];
        var blocks = Blocks(lines).ToList();
        if (_blocks + blocks.Count > MaxBlocksPerSegment && Position.Offset > 0)
        {
            (Position, _segmentExists, _blocks) = (new JournalPosition(Position.Segment + 1, 0), false, 0);
        }
        var blob = Segment(Position.Segment);
        if (!_segmentExists)
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellation);
            _segmentExists = true;
        }
        var start = Position with { Offset = Position.Offset + (_torn ? 1 : 0) };
        foreach (var block in blocks)
        {
            using var stream = new ReadOnlyMemoryStream(block);
            var options = new AppendBlobAppendBlockOptions
            {
                Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = Position.Offset },
            };
            var result = await blob.AppendBlockAsync(stream, options, cancellation);
            Position = Position with { Offset = Position.Offset + block.Length };
            _blocks = result.Value.BlobCommittedBlockCount;
            _torn = false;
        }
        return start;
    }

    /// <summary>
    /// Every line of every segment from the start, streamed a little at a time: the archive of all accepted records,
    /// for export. Appends made meanwhile may or may not be included.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadAllLinesAsync(BlobContainerClient container, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        for (var segment = 0; ; segment++)
        {
            Stream stream;
            try
            {
                var options = new BlobOpenReadOptions(allowModifications: true) { BufferSize = 256 * 1024 };
                stream = await container.GetAppendBlobClient(SegmentName(prefix, segment)).OpenReadAsync(options, cancellation);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                yield break;
            }
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellation) is { } line)
            {
                if (line.Length > 0) yield return line;
            }
        }
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

    private AppendBlobClient Segment(int segment) => container.GetAppendBlobClient(SegmentName(prefix, segment));

    private async Task<BlobProperties?> PropertiesAsync(int segment, CancellationToken cancellation)
    {
        try
        {
            return await Segment(segment).GetPropertiesAsync(cancellationToken: cancellation);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static string SegmentName(string prefix, int segment) => $"{prefix}/{segment:D5}.ndjson";

    /// <summary>Splits into blocks no larger than an append block may be, at line ends unless a line is longer.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Blocks(ReadOnlyMemory<byte> lines)
    {
        while (lines.Length > MaxBlockBytes)
        {
            var cut = lines.Span[..MaxBlockBytes].LastIndexOf((byte)'\n') + 1;
            if (cut == 0) cut = MaxBlockBytes;
            yield return lines[..cut];
            lines = lines[cut..];
        }
        if (lines.Length > 0) yield return lines;
    }

    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => _position = (int)value; }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => memory.Length + offset,
        };
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
