namespace BorderWatch.Grains.Storage;

/// <summary>
/// Where one log's bytes live: numbered segments that only grow, appended to a block at a time by one writer, and
/// deleted whole once nothing in them is needed. The shape of Orleans.Journaling's state machine storage (read,
/// append, delete); <see cref="ShardLog"/> holds the logic above it (lines, torn writes, rollover), so that a storage
/// is only what the service offers.
/// </summary>
public interface IJournalStorage
{
    /// <summary>The largest block one append may carry, and how many blocks a segment takes.</summary>
    int MaxBlockBytes { get; }
    int MaxBlocksPerSegment { get; }

    /// <summary>A segment's length and block count, or null when it does not exist.</summary>
    Task<SegmentInfo?> SegmentAsync(int segment, CancellationToken cancellation = default);

    /// <summary>Bytes of one segment from a position on.</summary>
    Task<byte[]> ReadAsync(JournalPosition at, long length, CancellationToken cancellation = default);

    /// <summary>
    /// Appends one block at <paramref name="at"/>, which must be where the segment ends (offset 0 creates the
    /// segment); returns the segment's block count after it. Throws <see cref="JournalConflictException"/> when the
    /// segment does not end there: another writer, or an earlier write whose answer was lost, got there first.
    /// </summary>
    Task<int> AppendAsync(JournalPosition at, ReadOnlyMemory<byte> block, CancellationToken cancellation = default);

    /// <summary>
    /// Rewrites a closed segment in a compact form that reads the same, at the same offsets (the archive's bytes at
    /// rest, gzip); returns the bytes it now takes (0 when sealed already). A sealed segment takes no appends.
    /// </summary>
    Task<long> SealAsync(int segment, CancellationToken cancellation = default);

    /// <summary>The segments there are, oldest first: what compaction and retention choose from.</summary>
    Task<IReadOnlyList<SegmentListing>> SegmentsAsync(CancellationToken cancellation = default);

    /// <summary>Deletes one segment (nothing when it is gone already).</summary>
    Task DeleteSegmentAsync(int segment, CancellationToken cancellation = default);

    /// <summary>Deletes every segment.</summary>
    Task DeleteAsync(CancellationToken cancellation = default);
}

/// <summary>A segment's length (as read: a sealed one's bytes unpacked), blocks, and when it was last written.</summary>
public readonly record struct SegmentInfo(long Length, int Blocks, DateTimeOffset LastWritten = default, bool IsSealed = false);

/// <summary>A segment as a listing shows it: its bytes at rest, when its last bytes were written, and whether it is sealed.</summary>
public readonly record struct SegmentListing(int Segment, long Length, DateTimeOffset LastWritten, bool IsSealed = false);

/// <summary>Gives each log (a journal shard's, by its prefix) its storage.</summary>
public interface IJournalStorageProvider
{
    IJournalStorage Open(string prefix);
}

/// <summary>The log does not end where its writer expected: someone else wrote to it.</summary>
public sealed class JournalConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The log is shorter than what was acknowledged from it, as when storage lost its last writes: records may be
/// missing, and the shard refuses to go on rather than skip them silently.
/// </summary>
public sealed class JournalDamagedException(string message) : Exception(message);
