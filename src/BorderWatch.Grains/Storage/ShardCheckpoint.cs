namespace BorderWatch.Grains.Storage;

/// <summary>
/// Where a member's last saved state lies in the shard's state log (Length 0: none saved yet), from where in the
/// record log on its records are not in it, and whether the member has only ever saved states, never journaled a record.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.StateLocation")]
public readonly record struct StateLocation(
    [property: Id(0)] JournalPosition At, [property: Id(1)] int Length, [property: Id(2)] bool StateOnly = false, [property: Id(3)] JournalPosition Covers = default);

[GenerateSerializer, Alias("bw.ShardCheckpoint")]
public sealed class ShardCheckpoint
{
    /// <summary>No member has a record after its last saved state before this point: recovery reads from here.</summary>
    [Id(0)] public JournalPosition From { get; set; }

    [Id(1)] public Dictionary<string, StateLocation> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A detections shard: where, by event day (days since 1970), the first record of the day lies.</summary>
    [Id(2)] public Dictionary<long, JournalPosition> FirstOfDay { get; set; } = [];

    // Ids 3 and 4 counted state bytes when states shared the record log.

    /// <summary>Where the state log ended when the checkpoint was taken: it must be at least that long.</summary>
    [Id(5)] public JournalPosition StatesEnd { get; set; }

    /// <summary>
    /// 2: states in a log of their own. Before, they were lines of the record log, and <see cref="Members"/> points
    /// there: the shard copies them over on activation.
    /// </summary>
    [Id(6)] public int Layout { get; set; }

    public const int SeparateStates = 2;

    /// <summary>Record segments before this one are sealed; those before <see cref="ArchiveFrom"/> passed their retention and are gone.</summary>
    [Id(7)] public int SealedBefore { get; set; }
    [Id(8)] public int ArchiveFrom { get; set; }
}
