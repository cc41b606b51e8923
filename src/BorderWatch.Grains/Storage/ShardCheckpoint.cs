namespace BorderWatch.Grains.Storage;

/// <summary>
/// Where a member's last saved state lies in the shard log (Length 0: none saved yet), and whether the member has
/// only ever saved states, never journaled a record.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.StateLocation")]
public readonly record struct StateLocation([property: Id(0)] JournalPosition At, [property: Id(1)] int Length, [property: Id(2)] bool StateOnly = false);

[GenerateSerializer, Alias("bw.ShardCheckpoint")]
public sealed class ShardCheckpoint
{
    /// <summary>No member has a record after its last saved state before this point: recovery reads from here.</summary>
    [Id(0)] public JournalPosition From { get; set; }

    [Id(1)] public Dictionary<string, StateLocation> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A detections shard: where, by event day (days since 1970), the first record of the day lies.</summary>
    [Id(2)] public Dictionary<long, JournalPosition> FirstOfDay { get; set; } = [];

    /// <summary>Bytes of saved-state lines in the log before <see cref="Durable"/> (the rest of it is the record archive).</summary>
    [Id(3)] public long StateBytes { get; set; }

    /// <summary>Where the log ended when the checkpoint was taken.</summary>
    [Id(4)] public JournalPosition Durable { get; set; }
}
