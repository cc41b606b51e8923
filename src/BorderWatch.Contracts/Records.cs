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
