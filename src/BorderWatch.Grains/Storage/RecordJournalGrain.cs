using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BorderWatch.Grains.Storage;

/// <summary>State that remembers how much of its grain's journal it already holds.</summary>
public interface IJournaledState
{
    JournalPosition Journal { get; set; }
}

/// <summary>
/// A grain whose records are acknowledged only once appended to its journal in blob storage; its state is
/// snapshotted through Orleans grain storage every few seconds, and on activation the journal's tail after
/// the snapshot is applied again. A crash right after an acknowledgement therefore loses nothing.
/// </summary>
public abstract class RecordJournalGrain<TState, TRecord>(
    IPersistentState<TState> state, JournalStore journals, TimeSpan snapshotInterval, ILogger logger) : Grain
    where TState : IJournaledState, new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private BlobJournal? _journal;
    private bool _dirty;

    protected TState State => state.State;

    /// <summary>Where this grain's journal lives in the journal container.</summary>
    protected abstract string JournalPrefix { get; }

    /// <summary>Would the record count, given what the state holds? Must not change the state.</summary>
    protected abstract Verdict Judge(TRecord record);

    /// <summary>A record's identity, to catch the same record twice in one batch.</summary>
    protected abstract object KeyOf(TRecord record);

    /// <summary>Applies an accepted record to the state.</summary>
    protected abstract void Apply(TRecord record);

    /// <summary>Trims what the state keeps before it is written.</summary>
    protected virtual void Compact() { }

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        _journal = await journals.OpenAsync(JournalPrefix, State.Journal);
        var replayed = 0;
        foreach (var chunk in await _journal.ReadTailAsync(cancellation))
        {
            foreach (var record in ReadLines(chunk))
            {
                if (Judge(record) != Verdict.Accepted) continue;
                Apply(record);
                replayed++;
            }
        }
        if (replayed > 0)
        {
            logger.LogInformation("{Grain}: applied {Count} journaled records written after the last snapshot", this.GetPrimaryKeyString(), replayed);
            _dirty = true;
        }
        this.RegisterGrainTimer(SnapshotAsync, snapshotInterval, snapshotInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation) => SnapshotAsync(cancellation);

    /// <summary>Judges the batch, journals what is accepted, then applies it: the answer is sent only once the journal holds it.</summary>
    protected async Task<Verdict[]> AcceptAsync(TRecord[] records)
    {
        var verdicts = new Verdict[records.Length];
        var seen = new HashSet<object>();
        var accepted = new List<TRecord>(records.Length);
        for (var i = 0; i < records.Length; i++)
        {
            var verdict = Judge(records[i]);
            if (verdict == Verdict.Accepted && !seen.Add(KeyOf(records[i]))) verdict = Verdict.Duplicate;
            verdicts[i] = verdict;
            if (verdict == Verdict.Accepted) accepted.Add(records[i]);
        }
        if (accepted.Count == 0) return verdicts;

        try
        {
            await _journal!.AppendAsync(WriteLines(accepted));
        }
        catch
        {
            // The append may or may not have landed: rebuild from storage rather than guess.
            DeactivateOnIdle();
            throw;
        }
        foreach (var record in accepted) Apply(record);
        _dirty = true;
        return verdicts;
    }

    /// <summary>Deletes the journal and the snapshot, then deactivates: the grain starts empty next time.</summary>
    protected async Task ForgetAsync()
    {
        await journals.DeleteAllAsync(JournalPrefix);
        await state.ClearStateAsync();
        _journal = await journals.OpenAsync(JournalPrefix, default);
        _dirty = false;
        DeactivateOnIdle();
    }

    private async Task SnapshotAsync(CancellationToken cancellation)
    {
        if (!_dirty || _journal is null) return;
        Compact();
        State.Journal = _journal.Position;
        try
        {
            await state.WriteStateAsync(cancellation);
            _dirty = false;
        }
        catch (Exception e)
        {
            // Nothing is lost: the journal holds every acknowledged record. Try again next time.
            logger.LogWarning(e, "{Grain}: snapshot failed; the journal still holds everything", this.GetPrimaryKeyString());
        }
    }

    private static byte[] WriteLines(List<TRecord> records)
    {
        using var buffer = new MemoryStream();
        foreach (var record in records)
        {
            JsonSerializer.Serialize(buffer, record, Json);
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    private static IEnumerable<TRecord> ReadLines(byte[] chunk) =>
        BlobJournal.LineRanges(chunk).Select(r => JsonSerializer.Deserialize<TRecord>(chunk.AsSpan(r.Start, r.Length), Json)!);
}
