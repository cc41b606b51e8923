using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// A grain's write-ahead journal: NDJSON lines in a chain of append blobs (<c>{prefix}/00000.ndjson</c>, ...).
/// An append is conditioned on the position this writer expects, so a write whose outcome was unknown
/// (a timeout that did land) is detected instead of being written twice.
/// </summary>
public sealed class BlobJournal(BlobContainerClient container, string prefix, JournalPosition start)
{
    // Append blobs hold at most 50,000 blocks; roll over well before.
    private const int MaxBlocksPerSegment = 48_000;
    private const int MaxBlockBytes = 4 * 1024 * 1024;

    private bool _segmentExists = start.Offset > 0;

    public JournalPosition Position { get; private set; } = start;

    /// <summary>Reads everything after <see cref="Position"/> (the tail a crash left unsnapshotted) and moves to the end.</summary>
    public async Task<List<byte[]>> ReadTailAsync(CancellationToken cancellation = default)
    {
        var chunks = new List<byte[]>();
        while (true)
        {
            var blob = Segment(Position.Segment);
            BlobProperties properties;
            try
            {
                properties = await blob.GetPropertiesAsync(cancellationToken: cancellation);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return chunks;
            }
            _segmentExists = true;
            if (properties.ContentLength > Position.Offset)
            {
                var range = new HttpRange(Position.Offset, properties.ContentLength - Position.Offset);
                var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = range }, cancellation);
                chunks.Add(content.Value.Content.ToArray());
                Position = Position with { Offset = properties.ContentLength };
            }
            if (properties.BlobCommittedBlockCount < MaxBlocksPerSegment) return chunks;
            Position = new JournalPosition(Position.Segment + 1, 0);
            _segmentExists = false;
        }
    }

    /// <summary>Appends NDJSON (whole lines, each ending in '\n'); durable when the task completes.</summary>
    public async Task AppendAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellation = default)
    {
        foreach (var block in Blocks(lines))
        {
            var blob = Segment(Position.Segment);
            if (!_segmentExists)
            {
                await blob.CreateIfNotExistsAsync(cancellationToken: cancellation);
                _segmentExists = true;
            }
            using var stream = new ReadOnlyMemoryStream(block);
            var options = new AppendBlobAppendBlockOptions
            {
                Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = Position.Offset },
            };
            var result = await blob.AppendBlockAsync(stream, options, cancellation);
            Position = Position with { Offset = Position.Offset + block.Length };
            if (result.Value.BlobCommittedBlockCount >= MaxBlocksPerSegment)
            {
                Position = new JournalPosition(Position.Segment + 1, 0);
                _segmentExists = false;
            }
        }
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

    private static string SegmentName(string prefix, int segment) => $"{prefix}/{segment:D5}.ndjson";

    /// <summary>Splits at line ends into blocks no larger than an append block may be.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Blocks(ReadOnlyMemory<byte> lines)
    {
        while (lines.Length > MaxBlockBytes)
        {
            var cut = lines.Span[..MaxBlockBytes].LastIndexOf((byte)'\n') + 1;
            if (cut == 0) throw new InvalidOperationException("A journal line is longer than an append block.");
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
