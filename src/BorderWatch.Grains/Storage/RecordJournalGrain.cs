using BorderWatch.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// A grain whose records are acknowledged only once its journal shard has them in blob storage. Its state lives
/// in memory and is saved to the shard when the shard asks (it knows who has unsaved records) and on deactivation;
/// on activation the last saved state and the records journaled after it are applied again. A crash right after an
/// acknowledgement therefore loses nothing.
/// </summary>
public abstract class RecordJournalGrain<TState, TRecord>(Serializer serializer, ILogger logger) : Grain, IJournaledGrain
    where TState : new()
{
    private IJournalShardGrain _shard = null!;
    private bool _dirty, _unsure, _forgotten;

    protected TState State { get; private set; } = new();

    protected Serializer Serializer => serializer;

    /// <summary>The scenario (interned: thousands of grains share a handful of names) and the grain's id in it.</summary>
    protected string Scenario { get; private set; } = null!;
    protected string Member { get; private set; } = null!;

    /// <summary>Which shards the grain's kind uses (<see cref="JournalShards"/>).</summary>
    protected abstract string ShardKind { get; }

    /// <summary>
    /// Would the record count, given what the state holds? Must not change the state. The same record twice in one
    /// call is <see cref="JournalAsync"/>'s to catch: the detections shard judges each id as it journals.
    /// </summary>
    protected abstract Verdict Judge(TRecord record);

    /// <summary>Applies an accepted record to the state.</summary>
    protected abstract void Apply(TRecord record);

    /// <summary>Trims what the state keeps before it is saved.</summary>
    protected virtual void Compact() { }

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        var (scenario, member) = GrainKeys.Parse(this.GetPrimaryKeyString());
        (Scenario, Member) = (string.Intern(scenario), member);
        _shard = ServiceProvider.GetRequiredService<ShardReferences>().For(scenario, ShardKind, member);
        var recovery = await _shard.RecoverAsync(member);
        if (recovery.State is not null) State = await RestoreAsync(_shard, recovery.State);
        var replayed = 0;
        foreach (var record in JournalLines<TRecord>.Read(recovery.Records))
        {
            if (Judge(record) != Verdict.Accepted) continue;
            Apply(record);
            replayed++;
        }
        if (replayed > 0)
        {
            logger.LogInformation("{Grain}: applied {Count} journaled records written after the last save", this.GetPrimaryKeyString(), replayed);
            _dirty = true;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation) => SaveAsync(cancellation);

    public Task SaveNowAsync() => SaveAsync(CancellationToken.None);

    /// <summary>
    /// Saves a change to the state that no record carries, before the caller is answered: the saved state is its
    /// only copy. Should the save fail, the state stays unsaved and goes with the next save.
    /// </summary>
    protected Task SaveChangeAsync()
    {
        _dirty = true;
        return SaveAsync(CancellationToken.None);
    }

    /// <summary>Writes the state to the shard; a grain may keep parts that seldom change apart, under other names.</summary>
    protected virtual Task SaveStateAsync(IJournalShardGrain shard) => shard.SaveAsync(Member, serializer.SerializeToArray(State));

    /// <summary>Reads back what <see cref="SaveStateAsync"/> wrote.</summary>
    protected virtual Task<TState> RestoreAsync(IJournalShardGrain shard, byte[] saved) => Task.FromResult(serializer.Deserialize<TState>(saved)!);

    /// <summary>
    /// Journals records the state would accept (one NDJSON line each); returns the shard's verdict on each. A shard
    /// that only appends takes them all.
    /// </summary>
    protected virtual async Task<Judged[]> JournalAsync(IJournalShardGrain shard, byte[] lines, List<TRecord> records)
    {
        await shard.AppendAsync(Member, lines);
        return new Judged[records.Count]; // all Accepted
    }

    /// <summary>Judges the batch, journals what is accepted, then applies it: the answer is sent only once the journal holds it.</summary>
    protected async Task<Judged[]> AcceptAsync(TRecord[] records)
    {
        var verdicts = new Judged[records.Length];
        var accepted = new List<TRecord>(records.Length);
        for (var i = 0; i < records.Length; i++)
        {
            var verdict = Judge(records[i]);
            verdicts[i] = new Judged(verdict);
            if (verdict == Verdict.Accepted) accepted.Add(records[i]);
        }
        if (accepted.Count == 0) return verdicts;

        Judged[] journaled;
        try
        {
            journaled = await JournalAsync(_shard, JournalLines<TRecord>.Write(accepted), accepted);
        }
        catch
        {
            // The append may or may not have landed: rebuild from the journal rather than guess, and save nothing
            // meanwhile (a saved state would claim to hold records it does not).
            _unsure = true;
            DeactivateOnIdle();
            throw;
        }
        for (int i = 0, k = 0; i < records.Length; i++)
        {
            if (verdicts[i].Verdict != Verdict.Accepted) continue;
            verdicts[i] = journaled[k++];
            if (verdicts[i].Verdict != Verdict.Accepted) continue;
            Apply(records[i]);
            _dirty = true;
        }
        return verdicts;
    }

    /// <summary>
    /// Forgets the state and deactivates: the grain starts empty next time. Its shard forgets it too, so that it
    /// neither asks the grain to save nor hands it its old records (the shard deletes the journal later).
    /// </summary>
    protected async Task ForgetAsync()
    {
        State = new();
        _forgotten = true;
        await _shard.ForgetAsync(Member);
        DeactivateOnIdle();
    }

    private async Task SaveAsync(CancellationToken cancellation)
    {
        if (!_dirty || _unsure || _forgotten) return;
        Compact();
        try
        {
            await SaveStateAsync(_shard);
            _dirty = false;
        }
        catch (Exception e)
        {
            // Nothing is lost: the journal holds every acknowledged record. Try again next time.
            logger.LogWarning(e, "{Grain}: saving the state failed; the journal still holds everything", this.GetPrimaryKeyString());
        }
    }
}
