namespace BorderWatch.Contracts;

/// <summary>
/// A struct: an asset keeps a hundred of them, and as values inside its track's array they are no objects for the
/// garbage collector to trace or promote (as classes they were most of what each GC had to look at).
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.TrackPoint")]
public readonly record struct TrackPoint(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] double Lat,
    [property: Id(2)] double Lon,
    [property: Id(3)] double? SpeedKn,
    [property: Id(4)] double? CourseDeg);

/// <summary>An asset entering (<see cref="To"/>) or leaving (<see cref="From"/>) a sector; null is outside every sector.</summary>
[GenerateSerializer, Immutable, Alias("bw.SectorTransition")]
public sealed record SectorTransition([property: Id(0)] DateTimeOffset Time, [property: Id(1)] string? From, [property: Id(2)] string? To);

[GenerateSerializer, Immutable, Alias("bw.AssetStatus")]
public sealed record AssetStatus(
    [property: Id(0)] string Asset,
    [property: Id(1)] string? Kind,
    [property: Id(2)] TrackPoint Latest,
    [property: Id(3)] string? Sector,
    [property: Id(4)] IReadOnlyList<SectorTransition> Transitions);
