namespace BorderWatch.Grains.Storage;

/// <summary>Where a grain's journal ends: segment number and byte offset in it.</summary>
[GenerateSerializer, Immutable, Alias("bw.JournalPosition")]
public readonly record struct JournalPosition([property: Id(0)] int Segment, [property: Id(1)] long Offset);
