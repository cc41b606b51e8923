using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// Group commit for many grains: appends and saved states that arrive together go to storage as one write to each
/// of the shard's two logs, so a request touching five thousand assets costs a few appends instead of five thousand.
/// The record log is the archive (export reads it; retention deletes its oldest segments); the state log holds
/// saved states, and compaction copies the current ones out of its closed segments and deletes them. Members keep
/// their state in memory and recover from here: their last saved state plus their records after it. The checkpoint
/// (where recovery starts, where each state lies) is written every snapshot interval. The one detections shard of a
/// scenario also judges each detection against every id the scenario holds (<see cref="DetectionIds"/>).
/// </summary>
// On the silo of its first caller: an asset shard's is its fleet, so that the fleet's calls to it stay in the silo.
[Reentrant, Orleans.Placement.PreferLocalPlacement]
public sealed class JournalShardGrain(
    [PersistentState("shard", StorageNames.GrainState)] IPersistentState<ShardCheckpoint> checkpoint,
    IJournalStorageProvider journals,
    IOptions<CountingOptions> options,
    IOptions<JournalOptions> journalOptions,
    IOptions<RetentionOptions> retention,
    ILogger<JournalShardGrain> logger) : Grain, IJournalShardGrain
{
    // Long enough for the calls of one request to arrive; short against a storage write.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// What waits for the next write; a detection entry keeps its keys, and may be empty when none was accepted. A
    /// state covers its member's records before <c>Covers</c>; one compaction copies says where it was.
    /// </summary>
    private readonly record struct Pending(string Member, byte[] Bytes, bool IsState, TaskCompletionSource Done,
        DetectionKey[]? Keys = null, JournalPosition Covers = default, StateLocation? Moving = null);

    private Dictionary<string, StateLocation> _members = null!;
    // Members with records after their last saved state: where the first one lies, since when, and how many bytes.
    private readonly Dictionary<string, Unsaved> _unsaved = new(StringComparer.Ordinal);
    private IJournalStorage _storage = null!, _stateStorage = null!;
    private ShardLog _log = null!, _states = null!;
    // The oldest state segment the last compaction found (at activation none is known).
    private int _firstState;
    // Record segments before these are sealed, and gone past retention (kept in the checkpoint: no listing of years of segments).
    private int _sealedBefore, _archiveFrom;
    // Where the last completed flush ended: everything before it is in storage and in the index. A flush in flight
    // has moved the log's end already, but its members are not registered yet, so a checkpoint must not pass it.
    private JournalPosition _durable;
    private List<Pending> _queue = [];
    private Task? _flushing;
    private ShardTail? _tail;
    private DetectionIds? _ids;
    private Task? _checkpointing;
    private Task<string>? _maintaining;
    private ExceptionDispatchInfo? _failure;
    private bool _changed, _deleted;
    // Checkpoints built so far, and the last of them stored: compaction deletes only what a stored one no longer names.
    private long _built, _stored;

    private sealed class Unsaved(JournalPosition from, DateTimeOffset since)
    {
        public JournalPosition From { get; } = from;
        public DateTimeOffset Since { get; } = since;
        public long Bytes { get; set; }
    }

    private string Key => this.GetPrimaryKeyString();
    private bool IsDetections => GrainKeys.Parse(Key).Id.StartsWith(JournalShards.Detections, StringComparison.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        _members = new(checkpoint.State.Members, StringComparer.Ordinal);
        checkpoint.State.Members = []; // read: _members is the index from here on
        (_sealedBefore, _archiveFrom) = (checkpoint.State.SealedBefore, checkpoint.State.ArchiveFrom);
        _storage = journals.Open(JournalStore.ShardPrefix(Key));
        _stateStorage = journals.Open(JournalStore.StatePrefix(Key));
        var from = checkpoint.State.From;
        var legacy = checkpoint.State.Layout < ShardCheckpoint.SeparateStates && _members.Values.Any(m => m.Length > 0);
        if (legacy) foreach (var (member, at) in _members.ToList()) _members[member] = at with { Covers = at.At };
        if (IsDetections) _ids = new DetectionIds(options.Value.DedupWindow, checkpoint.State.FirstOfDay);
        // The log after the checkpoint says which members wrote since; members that crashed replay from it.
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
                if (kind == ShardLines.Kind.Header) Written(member, position, 0, now, recovering: true);
                else if (kind == ShardLines.Kind.Record && _unsaved.TryGetValue(member, out var unsaved)) unsaved.Bytes += length;
            });
        }
        try
        {
            var start = from;
            if (_ids?.From is { } window && window < from)
            {
                // Retention may have deleted the window's first segments: the ids in them are gone with them.
                start = window.Segment >= _archiveFrom ? window : new JournalPosition(_archiveFrom, 0);
                if (start > from) start = from;
            }
            var segmentBytes = journalOptions.Value;
            _log = await ShardLog.OpenAsync(_storage, start, Piece, segmentBytes.RecordSegmentBytes, cancellation);
            _states = await ShardLog.OpenAtEndAsync(_stateStorage, checkpoint.State.StatesEnd, segmentBytes.StateSegmentBytes, cancellation);
        }
        catch (JournalDamagedException e)
        {
            logger.LogCritical(e, "{Shard}: its log is shorter than its checkpoint says; it takes no records until the journal is restored", Key);
            throw;
        }
        _durable = _log.End;
        if (legacy) await MoveLegacyStatesAsync();
        var interval = options.Value.SnapshotInterval;
        this.RegisterGrainTimer(_ => MaintainOnTimerAsync(), interval, interval);
    }

    /// <summary>
    /// A checkpoint written before states had a log of their own points into the record log: each state is copied
    /// to the state log, covering its member's records up to where it was, and the checkpoint written anew.
    /// </summary>
    private async Task MoveLegacyStatesAsync()
    {
        var moves = new List<Task>();
        foreach (var (member, at) in _members.Where(m => m.Value.Length > 0).ToList())
        {
            var state = Convert.FromBase64String(Encoding.ASCII.GetString(await _log.ReadAsync(at.At, at.Length)));
            moves.Add(Enqueue(new Pending(member, state, true, NewDone(), Covers: at.At, Moving: at)));
        }
        await Task.WhenAll(moves);
        logger.LogInformation("{Shard}: moved {Count} saved states from the record log to a state log of their own", Key, moves.Count);
        await CheckpointAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation) =>
        _deleted || _failure is not null || _states is null ? Task.CompletedTask : CheckpointAsync();

    public Task AppendAsync(string member, byte[] lines) => Enqueue(new Pending(member, lines, false, NewDone()));

    // One completion for all the entries of the call: they go into the same write.
    public Task AppendManyAsync(MemberBytes[] records)
    {
        if (records.Length == 0) return Task.CompletedTask;
        var done = NewDone();
        foreach (var (member, lines) in records) Enqueue(new Pending(member, lines, false, done));
        return done.Task;
    }

    public async Task<Immutable<Judged[]>> AppendDetectionsAsync(string member, byte[] lines, DetectionKey[] keys)
    {
        _failure?.Throw();
        var ids = _ids ?? throw new InvalidOperationException($"{Key} is not a detections shard");
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

    // The member's records up to what is durable now are in the state it sends (members take no call while they save).
    public Task SaveAsync(string member, byte[] state) => Enqueue(new Pending(member, state, true, NewDone(), Covers: _durable));

    public Task SaveManyAsync(MemberBytes[] states)
    {
        if (states.Length == 0) return Task.CompletedTask;
        var done = NewDone();
        foreach (var (member, state) in states) Enqueue(new Pending(member, state, true, done, Covers: _durable));
        return done.Task;
    }

    /// <summary>Each member's saved state (read together where they lie together) and its records after it.</summary>
    public async Task<MemberRecovery[]> RecoverManyAsync(string[] members)
    {
        var saved = new StateLocation?[members.Length];
        var stored = new List<int>();
        for (var i = 0; i < members.Length; i++)
        {
            if (_members.TryGetValue(members[i], out var at)) saved[i] = at;
            if (at.Length > 0) stored.Add(i);
        }
        var states = await _states.ReadManyAsync([.. stored.Select(i => (saved[i]!.Value.At, saved[i]!.Value.Length))]);
        var recoveries = new MemberRecovery[members.Length];
        ShardTail? tail = null;
        for (int i = 0, s = 0; i < members.Length; i++)
        {
            var state = s < stored.Count && stored[s] == i ? Convert.FromBase64String(Encoding.ASCII.GetString(states[s++])) : null;
            if (saved[i] is not { } at || !_unsaved.ContainsKey(members[i])) recoveries[i] = new MemberRecovery(state, []);
            else recoveries[i] = new MemberRecovery(state, (tail ??= await TailAsync()).RecordsOf(members[i], at.Covers));
        }
        return recoveries;
    }

    public async Task<MemberRecovery> RecoverAsync(string member) => (await RecoverManyAsync([member]))[0];

    public Task<ShardUsage> GetUsageAsync() => Task.FromResult(new ShardUsage(_ids?.Count ?? 0, _ids?.Bytes ?? 0));

    public Task ForgetAsync(string member)
    {
        _changed |= _members.Remove(member);
        _unsaved.Remove(member);
        return Task.CompletedTask;
    }

    public Task<string[]> MembersAsync() => Task.FromResult(_members.Where(m => !m.Value.StateOnly).Select(m => m.Key).ToArray());

    public async Task DeleteAsync()
    {
        _deleted = true;
        await _storage.DeleteAsync();
        await _stateStorage.DeleteAsync();
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
            var (recordSize, stateSize) = (0, 0);
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Bytes.Length == 0) continue;
                var size = ShardLines.Size(escaped[i], batch[i].Bytes.Length, batch[i].IsState);
                if (batch[i].IsState) stateSize += size; else recordSize += size;
            }
            // Pooled buffers: these run to megabytes, and fresh ones would churn the large object heap.
            var records = new Buffer(recordSize);
            var states = new Buffer(stateSize);
            var placed = new (int Offset, int StateAt, int StateLength)[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Bytes.Length == 0) continue;
                var to = batch[i].IsState ? states : records;
                var (written, stateAt, stateLength) = ShardLines.Write(to.Free, escaped[i], batch[i].Bytes, batch[i].IsState);
                placed[i] = (to.Length, stateAt, stateLength);
                to.Length += written;
            }
            var (recordsAt, statesAt) = (_log.End, _states.End);
            try
            {
                // Both logs at once: a flush costs one round trip however its entries divide.
                var appendRecords = records.Length > 0 ? _log.AppendAsync(records.Written) : Task.FromResult(recordsAt);
                var appendStates = states.Length > 0 ? _states.AppendAsync(states.Written) : Task.FromResult(statesAt);
                (recordsAt, statesAt) = (await appendRecords, await appendStates);
            }
            catch (Exception e)
            {
                // Whether the write landed is unknown: refuse everything until a fresh activation has read the log again.
                logger.LogWarning(e, "{Shard}: journal write failed; restarting the shard", Key);
                _failure = ExceptionDispatchInfo.Capture(e);
                foreach (var pending in batch.Concat(_queue)) pending.Done.TrySetException(e);
                _queue = [];
                _flushing = null;
                DeactivateOnIdle();
                return;
            }
            finally
            {
                records.Dispose();
                states.Dispose();
            }
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < batch.Count; i++)
            {
                var (offset, stateAt, stateLength) = placed[i];
                if (batch[i].Bytes.Length > 0) Landed(batch[i], (batch[i].IsState ? statesAt : recordsAt).Plus(offset), stateAt, stateLength, now);
                batch[i].Done.TrySetResult();
            }
            _durable = _log.End;
        }
        _flushing = null;
    }

    /// <summary>A pooled buffer being filled.</summary>
    private sealed class Buffer(int size) : IDisposable
    {
        private readonly byte[] _bytes = ArrayPool<byte>.Shared.Rent(size);
        public int Length { get; set; }
        public Span<byte> Free => _bytes.AsSpan(Length);
        public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, Length);
        public void Dispose() => ArrayPool<byte>.Shared.Return(_bytes);
    }

    /// <summary>An entry is in storage at <paramref name="at"/>: the index learns of it.</summary>
    private void Landed(Pending entry, JournalPosition at, int stateAt, int stateLength, DateTimeOffset now)
    {
        if (entry.IsState)
        {
            var state = new StateLocation(at.Plus(stateAt), stateLength, Covers: entry.Covers);
            // A copy compaction made is current only if its member saved nothing newer meanwhile.
            if (entry.Moving is not { } was) Saved(entry.Member, state);
            else if (_members.TryGetValue(entry.Member, out var current) && current == was) (_members[entry.Member], _changed) = (state with { StateOnly = was.StateOnly }, true);
            return;
        }
        Written(entry.Member, at, entry.Bytes.Length, now, recovering: false);
        if (entry.Keys is { } keys) _ids!.Written(at, keys);
    }

    /// <summary>
    /// A member's records were written at <paramref name="at"/>. Read back on activation, those its saved state
    /// covers are not unsaved.
    /// </summary>
    private void Written(string member, JournalPosition at, int bytes, DateTimeOffset now, bool recovering)
    {
        var known = _members.TryGetValue(member, out var state);
        if (recovering && known && state.Length > 0 && at < state.Covers) return;
        if (!known || state.StateOnly) (_members[member], _changed) = (state with { StateOnly = false }, true);
        if (!_unsaved.TryGetValue(member, out var unsaved)) _unsaved[member] = unsaved = new Unsaved(at, now);
        unsaved.Bytes += bytes;
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

    public Task<string> MaintainNowAsync() => MaintainAsync();

    /// <summary>What the timer does: checkpoint, compact the state log, apply retention to the record log, ask members to save.</summary>
    private async Task<string> MaintainAsync()
    {
        // One at a time: the timer and a caller may meet.
        while (_maintaining is { IsCompleted: false } running) await running;
        var maintaining = MaintainOnceAsync();
        _maintaining = maintaining;
        return await maintaining;
    }

    /// <summary>Returns what compaction did, or why it did nothing.</summary>
    private async Task<string> MaintainOnceAsync()
    {
        await CheckpointAsync();
        try
        {
            var compacted = await CompactStatesAsync();
            await SealClosedSegmentsAsync();
            await ApplyRetentionAsync();
            return compacted;
        }
        finally
        {
            WakeUnsaved();
        }
    }

    /// <summary>The timer's: what was not reclaimed this time is reclaimed the next.</summary>
    private async Task MaintainOnTimerAsync()
    {
        try
        {
            await MaintainAsync();
        }
        catch (Exception e) when (_failure is null)
        {
            logger.LogWarning(e, "{Shard}: compaction or retention failed; it runs again at the next checkpoint", Key);
        }
    }

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
        foreach (var unsaved in _unsaved.Values) if (unsaved.From < from) from = unsaved.From;
        if (_changed || from != checkpoint.State.From || _sealedBefore != checkpoint.State.SealedBefore || _archiveFrom != checkpoint.State.ArchiveFrom)
        {
            _changed = false;
            var serial = ++_built;
            // A copy: flushes go on changing the index while the checkpoint is written.
            checkpoint.State = new ShardCheckpoint
            {
                From = from, Members = new(_members, StringComparer.Ordinal), FirstOfDay = _ids?.FirstOfDay ?? [],
                StatesEnd = _states.End, Layout = ShardCheckpoint.SeparateStates, SealedBefore = _sealedBefore, ArchiveFrom = _archiveFrom,
            };
            try
            {
                await checkpoint.WriteStateAsync();
                _stored = Math.Max(_stored, serial);
                checkpoint.State.Members = []; // written: _members is the index, a second copy per member would be waste
            }
            catch (Exception e)
            {
                _changed = true;
                logger.LogWarning(e, "{Shard}: checkpoint failed; the log still holds everything", Key);
            }
            if (_tail is not null && _tail.Start != checkpoint.State.From) _tail = null;
        }
        return from;
    }

    /// <summary>
    /// Reclaims superseded states, as a log-structured store's cleaner does: a closed segment of the state log that is
    /// less than half current has its current states copied to the log's end, and once a checkpoint says where they
    /// are now, it is deleted. Copying only such segments costs at most the bytes it frees, and keeps the state log
    /// under twice its members' current states plus the open segment, however long the shard runs. (Copying every
    /// closed segment would rewrite a shard's states at each pass once they outgrow a segment.)
    /// </summary>
    private async Task<string> CompactStatesAsync()
    {
        var open = _states.End.Segment;
        if (_firstState >= open) return $"no state segment closed (open: {open})";
        var current = new Dictionary<int, long>();
        foreach (var at in _members.Values)
            if (at.Length > 0 && at.At.Segment < open) current[at.At.Segment] = current.GetValueOrDefault(at.At.Segment) + at.Length;
        var closed = (await _stateStorage.SegmentsAsync()).Where(s => s.Segment < open).ToList();
        _firstState = closed.Count > 0 ? closed[0].Segment : open;
        var chosen = closed.Where(s => current.GetValueOrDefault(s.Segment) < s.Length / 2).Select(s => s.Segment).ToHashSet();
        if (chosen.Count == 0) return $"none of the {closed.Count} closed state segments is less than half current";
        var moving = _members.Where(m => m.Value.Length > 0 && chosen.Contains(m.Value.At.Segment)).ToList();
        var copies = new List<Task>(moving.Count);
        foreach (var segment in moving.GroupBy(m => m.Value.At.Segment))
        {
            // One read a segment: a closed one is a few megabytes, and most of what it holds is superseded.
            var info = await _stateStorage.SegmentAsync(segment.Key) ?? throw new JournalDamagedException($"state segment {segment.Key} is gone, but states in it are current");
            var bytes = await _stateStorage.ReadAsync(new JournalPosition(segment.Key, 0), info.Length);
            foreach (var (member, at) in segment)
            {
                var state = Convert.FromBase64String(Encoding.ASCII.GetString(bytes, (int)at.At.Offset, at.Length));
                copies.Add(Enqueue(new Pending(member, state, true, NewDone(), Covers: at.Covers, Moving: at)));
            }
        }
        await Task.WhenAll(copies);
        if (_members.Values.FirstOrDefault(m => m.Length > 0 && chosen.Contains(m.At.Segment)) is { Length: > 0 } left)
            return $"a state copied forward did not land as current (one is still at {left.At})"; // next time
        // A checkpoint built from here on says where the copies are. One may be under way (the timer's): built
        // before or after they landed, it cannot tell, so a checkpoint of this pass's own is written.
        var copied = _built;
        _changed = true;
        await CheckpointAsync();
        if (_stored <= copied) return "the checkpoint after the copies was not written"; // the stored one still points into those segments
        foreach (var segment in chosen) await _stateStorage.DeleteSegmentAsync(segment);
        logger.LogDebug("{Shard}: compacted the state log: {Copied} current states copied forward, {Deleted} segments deleted", Key, moving.Count, chosen.Count);
        return $"{moving.Count} current states copied forward, {chosen.Count} of {closed.Count} closed state segments deleted";
    }

    /// <summary>
    /// Seals the oldest record segment closed for a while (<see cref="JournalOptions.SealAfter"/>: not while a burst
    /// of ingest still fills the next ones): gzip takes NDJSON to a fifth or less, and a sealed segment reads the same,
    /// so recovery, the dedup window and export go on reading it where they did.
    /// </summary>
    private async Task SealClosedSegmentsAsync()
    {
        // One a pass: a backlog (after a replay at full speed) drains in the background instead of taking the CPU.
        if (_sealedBefore >= _log.End.Segment) return;
        if (await _storage.SegmentAsync(_sealedBefore) is { IsSealed: false } segment && segment.LastWritten > DateTimeOffset.UtcNow - journalOptions.Value.SealAfter) return;
        var packed = await _storage.SealAsync(_sealedBefore);
        if (packed > 0) logger.LogDebug("{Shard}: sealed record segment {Segment} into {Bytes:N0} bytes", Key, _sealedBefore, packed);
        _sealedBefore++;
    }

    /// <summary>
    /// Deletes the record log's oldest segments once everything in them was stored longer ago than the record type's
    /// retention, as Kafka does: never the open segment, nor one that recovery or the dedup window still reads.
    /// </summary>
    private async Task ApplyRetentionAsync()
    {
        var keep = IsDetections ? retention.Value.Detections : retention.Value.Positions;
        if (keep is not { } period) return;
        var cutoff = DateTimeOffset.UtcNow - period;
        var needed = _ids?.From is { } window && window < checkpoint.State.From ? window.Segment : checkpoint.State.From.Segment;
        for (; _archiveFrom < Math.Min(needed, _log.End.Segment); _archiveFrom++)
        {
            if (await _storage.SegmentAsync(_archiveFrom) is not { } segment) continue; // gone already
            if (segment.LastWritten >= cutoff) break;
            await _storage.DeleteSegmentAsync(_archiveFrom);
            logger.LogInformation("{Shard}: record segment {Segment} ({Bytes:N0} bytes, last written {Written:u}) passed its retention of {Retention}",
                Key, _archiveFrom, segment.Length, segment.LastWritten, period);
        }
    }

    /// <summary>
    /// Asks members with unsaved records to save once those records take as many bytes as the member's saved state,
    /// or the oldest of them reaches the longest age allowed, so that the checkpoint moves on, recovery stays short,
    /// and a save costs no more than the records it spares. The shard knows who wrote, so members need no timer each
    /// (10,000 assets meant 10,000 timers); a member whose activation was lost (a silo died) is woken by the call,
    /// replays and saves.
    /// </summary>
    private void WakeUnsaved()
    {
        var now = DateTimeOffset.UtcNow;
        var (soon, latest) = (now - options.Value.SnapshotInterval, now - options.Value.MaxUnsavedAge);
        var (scenario, shard) = GrainKeys.Parse(Key);
        var assets = new List<(string Member, DateTimeOffset Since)>();
        foreach (var (member, unsaved) in _unsaved)
        {
            if (unsaved.Since > soon) continue;
            var stateBytes = _members.TryGetValue(member, out var state) ? state.Length * 3L / 4 : 0;
            if (unsaved.Bytes < stateBytes && unsaved.Since > latest) continue;
            if (shard.StartsWith(JournalShards.Assets, StringComparison.Ordinal)) assets.Add((member, unsaved.Since));
            else Woken(GrainFactory.GetGrain<ISectorGrain>(GrainKeys.For(scenario, member)).SaveNowAsync(), member);
        }
        // The fleet is this shard's other half (same key): one call for all its assets, the longest unsaved first (it
        // saves a few hundred a wake).
        if (assets.Count > 0) Woken(GrainFactory.GetGrain<IFleetGrain>(Key).SaveAsync([.. assets.OrderBy(a => a.Since).Select(a => a.Member)]), $"{assets.Count} assets");

        void Woken(Task saving, string who) =>
            saving.ContinueWith(t => logger.LogDebug(t.Exception, "{Shard}: {Who} could not be woken to save", Key, who), TaskContinuationOptions.OnlyOnFaulted);
    }
}
