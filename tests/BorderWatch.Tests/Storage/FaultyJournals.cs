using System.Collections.Concurrent;
using BorderWatch.Contracts;
using BorderWatch.Grains.Storage;

namespace BorderWatch.Tests.Storage;

/// <summary>
/// The real journal storage with faults a test arms per log: an append held until released, appends that fail
/// (before or after they land, as when an answer is lost), reads held. Unarmed, it passes everything through.
/// </summary>
public sealed class FaultyJournals(IJournalStorageProvider real) : IJournalStorageProvider
{
    private readonly ConcurrentDictionary<string, LogFaults> _faults = new(StringComparer.Ordinal);

    /// <summary>The faults of one shard's record log (by shard key, <c>{scenario}/{kind}-{n}</c>)...</summary>
    public LogFaults Of(string shardKey) => _faults.GetOrAdd(JournalStore.ShardPrefix(shardKey), _ => new LogFaults());

    /// <summary>...and of its state log.</summary>
    public LogFaults StatesOf(string shardKey) => _faults.GetOrAdd(JournalStore.StatePrefix(shardKey), _ => new LogFaults());

    /// <summary>...and of any log, by its prefix.</summary>
    public LogFaults OfLog(string prefix) => _faults.GetOrAdd(prefix, _ => new LogFaults());

    public IJournalStorage Open(string prefix) => new FaultyStorage(real.Open(prefix), _faults.GetOrAdd(prefix, _ => new LogFaults()));

    private sealed class FaultyStorage(IJournalStorage storage, LogFaults faults) : IJournalStorage
    {
        public int MaxBlockBytes => storage.MaxBlockBytes;
        public int MaxBlocksPerSegment => storage.MaxBlocksPerSegment;

        public Task<SegmentInfo?> SegmentAsync(int segment, CancellationToken cancellation = default) => storage.SegmentAsync(segment, cancellation);

        public async Task<byte[]> ReadAsync(JournalPosition at, long length, CancellationToken cancellation = default)
        {
            Interlocked.Increment(ref faults.Reads);
            if (faults.HoldReads is var (from, hold) && at >= from) await hold.PassAsync(at);
            return await storage.ReadAsync(at, length, cancellation);
        }

        public async Task<int> AppendAsync(JournalPosition at, ReadOnlyMemory<byte> block, CancellationToken cancellation = default)
        {
            var n = Interlocked.Increment(ref faults.Appends);
            if (faults.HoldAppend is { } hold && n == hold.At) await hold.Gate.PassAsync(at);
            var fault = faults.Fault?.Invoke(n, block) ?? AppendFault.None;
            if (fault == AppendFault.Before) throw new IOException($"injected: append {n} failed before it landed");
            var blocks = await storage.AppendAsync(at, block, cancellation);
            if (fault == AppendFault.After) throw new IOException($"injected: append {n} landed, but its answer was lost");
            return blocks;
        }

        public Task<long> SealAsync(int segment, CancellationToken cancellation = default) => storage.SealAsync(segment, cancellation);

        public Task<IReadOnlyList<SegmentListing>> SegmentsAsync(CancellationToken cancellation = default) => storage.SegmentsAsync(cancellation);

        public Task DeleteSegmentAsync(int segment, CancellationToken cancellation = default) => storage.DeleteSegmentAsync(segment, cancellation);

        public Task DeleteAsync(CancellationToken cancellation = default) => storage.DeleteAsync(cancellation);
    }
}

public enum AppendFault { None, Before, After }

public sealed class LogFaults
{
    /// <summary>Appends so far (blocks, not writes).</summary>
    public int Appends;

    /// <summary>Read requests so far.</summary>
    public int Reads;

    /// <summary>Holds the append numbered <c>At</c> until the gate opens.</summary>
    public (int At, Gate Gate)? HoldAppend { get; set; }

    /// <summary>Holds reads at or after a position until the gate opens.</summary>
    public (JournalPosition From, Gate Gate)? HoldReads { get; set; }

    /// <summary>Decides, by append number and block, whether it fails.</summary>
    public Func<int, ReadOnlyMemory<byte>, AppendFault>? Fault { get; set; }
}

/// <summary>Stops whoever passes until opened, and says where the first one stopped.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource<JournalPosition> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<JournalPosition> Reached => _reached.Task;

    public void Open() => _open.TrySetResult();

    public Task PassAsync(JournalPosition at)
    {
        _reached.TrySetResult(at);
        return _open.Task;
    }
}
