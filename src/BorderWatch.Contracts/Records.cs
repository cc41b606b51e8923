namespace BorderWatch.Contracts;

/// <summary>An irregular border crossing seen by a sensor or patrol: the events layer of EUROSUR.</summary>
[GenerateSerializer, Immutable, Alias("bw.Detection")]
public sealed record Detection(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] double Lat,
    [property: Id(3)] double Lon,
    [property: Id(4)] int Persons,
    [property: Id(5)] string? Kind,
    [property: Id(6)] string Sector,
    [property: Id(7)] string? Source);

/// <summary>A patrol asset's reported position: the operational layer of EUROSUR.</summary>
[GenerateSerializer, Immutable, Alias("bw.Position")]
public sealed record Position(
    [property: Id(0)] string Asset,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] double Lat,
    [property: Id(3)] double Lon,
    [property: Id(4)] double? SpeedKn,
    [property: Id(5)] double? CourseDeg,
    [property: Id(6)] string? Kind);

/// <summary>What became of one record of a batch sent to a grain.</summary>
public enum Verdict : byte
{
    Accepted,
    Duplicate,
    /// <summary>Older than the deduplication window: it could not be told apart from a retry, so it is refused.</summary>
    TooLate,
}

/// <summary>A detection's verdict from its scenario's memory of ids; a duplicate names the sector that counts the original.</summary>
[GenerateSerializer, Immutable, Alias("bw.Judged")]
public readonly record struct Judged([property: Id(0)] Verdict Verdict, [property: Id(1)] string? HeldBy = null);

/// <summary>What the scenario's memory of ids needs of a detection: the hash of its id and its event time.</summary>
[GenerateSerializer, Immutable, Alias("bw.DetectionKey")]
public readonly record struct DetectionKey([property: Id(0)] ulong IdHash, [property: Id(1)] DateTimeOffset Time);
