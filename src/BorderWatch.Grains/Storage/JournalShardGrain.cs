using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// Group commit for many grains: appends and saved states that arrive together go to storage as one write, so a
/// request touching five thousand assets costs a few appends instead of five thousand. Members keep their state in
/// memory and recover from here: their last saved state plus their records after it. The checkpoint (where
/// recovery starts, where each state lies) is written every snapshot interval. The one detections shard of a
/// scenario also judges each detection against every id the scenario holds (<see cref="DetectionIds"/>).
/// </summary>
[Reentrant]
public sealed class JournalShardGrain(
    [PersistentState("shard", StorageNames.GrainState)] IPersistentState<ShardCheckpoint> checkpoint,
    IJournalStorageProvider journals,
    IOptions<CountingOptions> options,
    ILogger<JournalShardGrain> logger) : Grain, IJournalShardGrain
{
    // Long enough for the calls of one request to arrive; short against a storage write.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(2);

    /// <summary>What waits for the next write; a detection entry keeps its keys, and may be empty when none was accepted.</summary>
    private readonly record struct Pending(string Member, byte[] Bytes, bool IsState, TaskCompletionSource Done, DetectionKey[]? Keys = null);

    private Dictionary<string, StateLocation> _members = null!;
    // Members with records after their last saved state: where the first one lies, and since when.
    private readonly Dictionary<string, (JournalPosition From, DateTimeOffset Since)> _unsaved = new(StringComparer.Ordinal);
    private IJournalStorage _storage = null!;
    private ShardLog _log = null!;
    // Where the last completed flush ended: everything before it is in storage and in the index. A flush in flight
    // has moved the log's end already, but its members are not registered yet, so a checkpoint must not pass it.
    private JournalPosition _durable;
    private List<Pending> _queue = [];
    private Task? _flushing;
    private ShardTail? _tail;
    private DetectionIds? _ids;
    private Task? _checkpointing;
    private ExceptionDispatchInfo? _failure;
    private bool _changed, _deleted;
    private long _stateBytes;

    private string Prefix => JournalStore.ShardPrefix(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        _members = new(checkpoint.State.Members, StringComparer.Ordinal);
        (_stateBytes, var counted) = (checkpoint.State.StateBytes, checkpoint.State.Durable);
        checkpoint.State.Members = []; // read: _members is the index from here on
        _storage = journals.Open(Prefix);
        var from = checkpoint.State.From;
        if (GrainKeys.Parse(this.GetPrimaryKeyString()).Id.StartsWith(JournalShards.Detections, StringComparison.Ordinal))
            _ids = new DetectionIds(options.Value.DedupWindow, checkpoint.State.FirstOfDay);
        // The log after the checkpoint says which members saved or wrote since; members that crashed replay from it.
        // A detections shard reads from the first record of its window, to know every id in it.
        var tail = _tail = new ShardTail(from);
        var now = DateTimeOffset.UtcNow;
        void Piece(JournalPosition at, byte[] bytes)
        {
            _ids?.Read(at, bytes);
            if (at.Plus(bytes.Length) <= from) return;
            if (at < from) (at, bytes) = (from, bytes[(int)(from.Offset - at.Offset)..]);
            tail.Add(at, bytes, (kind, member, position, length) =>
            {
                if (kind == ShardLines.Kind.Header) Written(member, position, now);
                else if (kind == ShardLines.Kind.State)
                {
                    Saved(member, new StateLocation(position, length));
                    if (position >= counted) _stateBytes += length;
                }
            });
        }
        try
        {
            var start = _ids?.From is { } window && window < from ? window : from;
            _log = await ShardLog.OpenAsync(_storage, start, Piece, cancellation);
        }
        catch (JournalDamagedException e)
        {
            logger.LogCritical(e, "{Shard}: its log is shorter than its checkpoint says; it takes no records until the journal is restored", this.GetPrimaryKeyString());
            throw;
        }
        _durable = _log.End;
        var interval = options.Value.SnapshotInterval;
        this.RegisterGrainTimer(_ => CheckpointAsync(), interval, interval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation) =>
        _deleted || _failure is not null || _log is null ? Task.CompletedTask : CheckpointAsync();

    public Task AppendAsync(string member, byte[] lines) => Enqueue(new Pending(member, lines, false, NewDone()));

    public async Task<Immutable<Judged[]>> AppendDetectionsAsync(string member, byte[] lines, DetectionKey[] keys)
    {
        _failure?.Throw();
        var ids = _ids ?? throw new InvalidOperationException($"{this.GetPrimaryKeyString()} is not a detections shard");
        var verdicts = new Judged[keys.Length];
        var accepted = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            verdicts[i] = ids.Judge(member, keys[i]);
            if (verdicts[i].Verdict == Verdict.Accepted) accepted++;
        }
        // Answered with the next write even when nothing is new: a duplicate of a record still being written is
        // not called one before that record is durable.
        if (accepted == keys.Length) await Enqueue(new Pending(member, lines, false, NewDone(), keys));
        else await Enqueue(new Pending(member, Accepted(lines, verdicts, accepted), false, NewDone(), keys.Where((_, i) => verdicts[i].Verdict == Verdict.Accepted).ToArray()));
        return new(verdicts);
    }

    /// <summary>The lines of the accepted records (one line a record, in order).</summary>
    private static byte[] Accepted(byte[] lines, Judged[] verdicts, int accepted)
    {
        if (accepted == 0) return [];
        using var kept = new MemoryStream(lines.Length);
        var i = 0;
        foreach (var (start, length) in ShardLog.LineRanges(lines))
        {
            if (verdicts[i++].Verdict != Verdict.Accepted) continue;
            kept.Write(lines, start, length);
            kept.WriteByte((byte)'\n');
        }
        return kept.ToArray();
    }

    public Task SaveAsync(string member, byte[] state) => Enqueue(new Pending(member, state, true, NewDone()));

    public async Task<MemberRecovery> RecoverAsync(string member)
    {
        if (!_members.TryGetValue(member, out var saved)) return new MemberRecovery(null, []);
        byte[]? state = null;
        if (saved.Length > 0)
            state = Convert.FromBase64String(Encoding.ASCII.GetString(await _log.ReadAsync(saved.At, saved.Length)));
        if (!_unsaved.TryGetValue(member, out var unsaved)) return new MemberRecovery(state, []);
        var tail = await TailAsync();
        return new MemberRecovery(state, tail.RecordsOf(member, saved.Length > 0 && saved.At > unsaved.From ? saved.At : unsaved.From));
    }

    public Task<ShardUsage> GetUsageAsync() => Task.FromResult(new ShardUsage(_stateBytes, _ids?.Count ?? 0, _ids?.Bytes ?? 0));

    public Task<string[]> MembersAsync() => Task.FromResult(_members.Where(m => !m.Value.StateOnly).Select(m => m.Key).ToArray());

    public async Task DeleteAsync()
    {
        _deleted = true;
        await _storage.DeleteAsync();
        await checkpoint.ClearStateAsync();
        DeactivateOnIdle();
    }

    // Continuations run as they may: what awaits these is the runtime answering each caller, which goes through this
    // activation's scheduler anyway; a detour through the thread pool first cost one work item per record batch.
    private static TaskCompletionSource NewDone() => new();

    private Task Enqueue(Pending pending)
    {
        _failure?.Throw();
        _queue.Add(pending);
        _flushing ??= FlushAsync();
        return pending.Done.Task;
    }

    private async Task FlushAsync()
    {
        await Task.Delay(Gather);
        while (_queue.Count > 0)
        {
            var batch = _queue;
            _queue = [];
            var escaped = batch.Select(p => ShardLines.Escape(p.Member)).ToArray();
            var size = 0;
            for (var i = 0; i < batch.Count; i++) size += batch[i].Bytes.Length == 0 ? 0 : ShardLines.Size(escaped[i], batch[i].Bytes.Length, batch[i].IsState);
            // One pooled buffer a flush: these run to megabytes, and fresh ones would churn the large object heap.
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            var placed = new (int Offset, int StateAt, int StateLength)[batch.Count];
            var length = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Bytes.Length == 0) continue;
                var (written, stateAt, stateLength) = ShardLines.Write(buffer.AsSpan(length), escaped[i], batch[i].Bytes, batch[i].IsState);
                placed[i] = (length, stateAt, stateLength);
                length += written;
            }
            var start = _log.End;
            try
            {
                if (length > 0) start = await _log.AppendAsync(buffer.AsMemory(0, length));
            }
            catch (Exception e)
            {
                // Whether the write landed is unknown: refuse everything until a fresh activation has read the log again.
                logger.LogWarning(e, "{Shard}: journal write failed; restarting the shard", this.GetPrimaryKeyString());
                _failure = ExceptionDispatchInfo.Capture(e);
                foreach (var pending in batch.Concat(_queue)) pending.Done.TrySetException(e);
                _queue = [];
                _flushing = null;
                DeactivateOnIdle();
                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < batch.Count; i++)
            {
                var (offset, stateAt, stateLength) = placed[i];
                if (batch[i].Bytes.Length > 0) Landed(batch[i], start.Plus(offset), stateAt, stateLength, now);
                batch[i].Done.TrySetResult();
            }
            _durable = _log.End;
        }
        _flushing = null;
    }

    /// <summary>An entry is in storage at <paramref name="at"/>: the index learns of it.</summary>
    private void Landed(Pending entry, JournalPosition at, int stateAt, int stateLength, DateTimeOffset now)
    {
        if (entry.IsState)
        {
            Saved(entry.Member, new StateLocation(at.Plus(stateAt), stateLength));
            _stateBytes += stateLength;
            return;
        }
        Written(entry.Member, at, now);
        if (entry.Keys is { } keys) _ids!.Written(at, keys);
    }

    private void Written(string member, JournalPosition at, DateTimeOffset now)
    {
        if (!_members.TryGetValue(member, out var known) || known.StateOnly) (_members[member], _changed) = (known with { StateOnly = false }, true);
        _unsaved.TryAdd(member, (at, now));
    }

    private void Saved(string member, StateLocation state)
    {
        // A member known only by its states is a part of another (a sector's sealed buckets), not listed as one.
        _members[member] = state with { StateOnly = !_members.TryGetValue(member, out var known) || known.StateOnly };
        _unsaved.Remove(member);
        _changed = true;
    }

    /// <summary>
    /// The log from the checkpoint to what is durable, read once and extended as it grows. A checkpoint may start a
    /// new tail meanwhile; a recovery keeps the one it has, which starts earlier and holds all it needs.
    /// </summary>
    private async Task<ShardTail> TailAsync()
    {
        var tail = _tail ??= new ShardTail(checkpoint.State.From);
        await tail.ReadToAsync(_durable, (from, piece) => ShardLog.OpenAsync(_storage, from, piece));
        return tail;
    }

    public Task<JournalPosition> CheckpointNowAsync() => CheckpointAsync();

    private async Task<JournalPosition> CheckpointAsync()
    {
        // One at a time (the timer and a caller may meet): a second write at once would fail on the first's ETag.
        while (_checkpointing is { IsCompleted: false } running) await running;
        var checkpointing = WriteCheckpointAsync();
        _checkpointing = checkpointing;
        return await checkpointing;
    }

    /// <summary>Writes where recovery starts and where each member's state lies; returns where recovery starts.</summary>
    private async Task<JournalPosition> WriteCheckpointAsync()
    {
        if (_deleted || _failure is not null) return checkpoint.State.From;
        var from = _durable;
        foreach (var (at, _) in _unsaved.Values) if (at < from) from = at;
        if (_changed || from != checkpoint.State.From)
        {
            _changed = false;
            // A copy: flushes go on changing the index while the checkpoint is written.
            checkpoint.State = new ShardCheckpoint { From = from, Members = new(_members, StringComparer.Ordinal), FirstOfDay = _ids?.FirstOfDay ?? [], StateBytes = _stateBytes, Durable = _durable };
            try
            {
                await checkpoint.WriteStateAsync();
                checkpoint.State.Members = []; // written: _members is the index, a second copy per member would be waste
            }
            catch (Exception e)
            {
                _changed = true;
                logger.LogWarning(e, "{Shard}: checkpoint failed; the log still holds everything", this.GetPrimaryKeyString());
            }
            if (_tail is not null && _tail.Start != checkpoint.State.From) _tail = null;
        }
        WakeUnsaved();
        return from;
    }

    /// <summary>
    /// Asks members with records older than an interval and not yet in a saved state to save, so the checkpoint
    /// moves on and recovery stays short. The shard knows who wrote, so members need no timer each (10,000 assets
    /// meant 10,000 timers); a member whose activation was lost (a silo died) is woken by the call, replays and saves.
    /// </summary>
    private void WakeUnsaved()
    {
        var limit = DateTimeOffset.UtcNow - options.Value.SnapshotInterval;
        var (scenario, shard) = GrainKeys.Parse(this.GetPrimaryKeyString());
        foreach (var (member, (_, since)) in _unsaved)
        {
            if (since > limit) continue;
            var key = GrainKeys.For(scenario, member);
            IJournaledGrain grain = shard.StartsWith(JournalShards.Detections) ? GrainFactory.GetGrain<ISectorGrain>(key) : GrainFactory.GetGrain<IAssetGrain>(key);
            _ = grain.SaveNowAsync().ContinueWith(t => logger.LogDebug(t.Exception, "{Member}: could not be woken to save", key), TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
