using System.Text.Json.Serialization;

namespace BorderWatch.Contracts;

/// <summary>
/// One point of an asset's track. An asset keeps a hundred of them, so a point is 16 bytes, bit fields of one
/// 128-bit value: the time to the millisecond, coordinates in millionths of a degree (about 0.1 m), speed and course
/// in tenths of a knot and of a degree, as AIS reports them. As a struct, a track is one array with nothing inside
/// for the garbage collector to trace.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.TrackPoint")]
public readonly struct TrackPoint : IEquatable<TrackPoint> // not a record: Orleans would map its constructor to setters
{
    // Low to high. Time: ms since 1970 (45 bits reach the year 3084; ingest takes nothing before 2000). Latitude and
    // longitude: micro-degrees offset to be positive. Speed and course: all ones is "not reported".
    private const int TimeBits = 45, LatBits = 28, LonBits = 29, SpeedBits = 14, CourseBits = 12;
    private const int LatShift = TimeBits, LonShift = LatShift + LatBits, SpeedShift = LonShift + LonBits, CourseShift = SpeedShift + SpeedBits;
    private const long LatOffset = 90_000_000, LonOffset = 180_000_000;

    [Id(0)] private readonly ulong _low;
    [Id(1)] private readonly ulong _high;

    [JsonConstructor]
    public TrackPoint(DateTimeOffset time, double lat, double lon, double? speedKn, double? courseDeg)
    {
        var bits = Field(time.ToUnixTimeMilliseconds(), TimeBits, 0)
            | Field((long)Math.Round(lat * 1e6) + LatOffset, LatBits, LatShift)
            | Field((long)Math.Round(lon * 1e6) + LonOffset, LonBits, LonShift)
            | Tenths(speedKn, SpeedBits, SpeedShift)
            | Tenths(courseDeg, CourseBits, CourseShift);
        (_high, _low) = ((ulong)(bits >> 64), (ulong)bits);
    }

    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(Get(TimeBits, 0));
    public double Lat => (Get(LatBits, LatShift) - LatOffset) / 1e6;
    public double Lon => (Get(LonBits, LonShift) - LonOffset) / 1e6;
    public double? SpeedKn => GetTenths(SpeedBits, SpeedShift);
    public double? CourseDeg => GetTenths(CourseBits, CourseShift);

    private static long Missing(int width) => (1L << width) - 1;

    // Ingest validates every field (speed 0-1,000 kn, course 0-360°); the clamp only keeps a wild value from
    // spilling into its neighbour.
    private static UInt128 Field(long value, int width, int shift) => (UInt128)(ulong)Math.Clamp(value, 0, Missing(width)) << shift;

    private static UInt128 Tenths(double? value, int width, int shift) =>
        Field(value is { } v ? Math.Min((long)Math.Round(v * 10), Missing(width) - 1) : Missing(width), width, shift);

    private long Get(int width, int shift) => (long)(ulong)((new UInt128(_high, _low) >> shift) & (ulong)Missing(width));

    private double? GetTenths(int width, int shift) => Get(width, shift) is var v && v == Missing(width) ? null : v / 10.0;

    public bool Equals(TrackPoint other) => (_low, _high) == (other._low, other._high);

    public override bool Equals(object? obj) => obj is TrackPoint other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_low, _high);

    public static bool operator ==(TrackPoint a, TrackPoint b) => a.Equals(b);

    public static bool operator !=(TrackPoint a, TrackPoint b) => !a.Equals(b);
}

/// <summary>
/// An asset entering (<see cref="To"/>) or leaving (<see cref="From"/>) a sector; null is outside every sector.
/// A struct, like track points: an asset keeps up to 50 inside its state, no objects of their own.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.SectorTransition")]
public readonly record struct SectorTransition([property: Id(0)] DateTimeOffset Time, [property: Id(1)] string? From, [property: Id(2)] string? To);

/// <summary>
/// What a vessel says of itself over AIS: static and voyage data (types 5, 19 and 24) and the navigational status of
/// its position reports; null where it never said. <see cref="Updated"/> is the event time of the report that last changed it.
/// Length and beam are whole metres, the ETA the next such moment after the report (AIS sends no year). What it
/// never said is left out of JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.Vessel")]
public sealed record Vessel(
    [property: Id(0)] DateTimeOffset Updated,
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Class = null,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CallSign = null,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] uint? Imo = null,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ShipType = null,
    [property: Id(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ShipTypeText = null,
    [property: Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? LengthM = null,
    [property: Id(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BeamM = null,
    [property: Id(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DraughtM = null,
    [property: Id(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Destination = null,
    [property: Id(11), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? Eta = null,
    [property: Id(12), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status = null,
    [property: Id(13), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StatusText = null)
{
    /// <summary>
    /// This description with what <paramref name="update"/> says: a newer report's fields replace these, an older
    /// one's only fill what is unknown. The same object when nothing changes, so that a caller can tell.
    /// </summary>
    public Vessel Merge(Vessel update)
    {
        var newer = update.Updated >= Updated;
        T? Pick<T>(T? mine, T? theirs) => newer ? theirs ?? mine : mine ?? theirs;
        var merged = new Vessel(newer ? update.Updated : Updated, Pick(Class, update.Class), Pick(Name, update.Name), Pick(CallSign, update.CallSign),
            Pick(Imo, update.Imo), Pick(ShipType, update.ShipType), Pick(ShipTypeText, update.ShipTypeText), Pick(LengthM, update.LengthM),
            Pick(BeamM, update.BeamM), Pick(DraughtM, update.DraughtM), Pick(Destination, update.Destination), Pick(Eta, update.Eta),
            Pick(Status, update.Status), Pick(StatusText, update.StatusText));
        // Only the time moved: keep the description as it was, since nothing a user sees changed.
        return merged with { Updated = Updated } == this ? this : merged;
    }
}

[GenerateSerializer, Immutable, Alias("bw.AssetStatus")]
public sealed record AssetStatus(
    [property: Id(0)] string Asset,
    [property: Id(1)] string? Kind,
    [property: Id(2)] TrackPoint Latest,
    [property: Id(3)] string? Sector,
    [property: Id(4)] IReadOnlyList<SectorTransition> Transitions,
    [property: Id(5)] Vessel? Vessel = null);

/// <summary>Where a listing of assets, newest report first, goes on from: the last asset of the page before.</summary>
[GenerateSerializer, Immutable, Alias("bw.AssetCursor")]
public sealed record AssetCursor([property: Id(0)] DateTimeOffset Time, [property: Id(1)] string Asset);

/// <summary>
/// One page of a scenario's assets, newest report first, with the cursor of the next page (null on the last) and
/// how many there are. Not <see cref="Complete"/> while the index is still reading the assets it did not see report.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.AssetPage")]
public sealed record AssetPage([property: Id(0)] AssetMoved[] Assets, [property: Id(1)] AssetCursor? Next, [property: Id(2)] int Total, [property: Id(3)] bool Complete);

/// <summary>
/// A scenario's assets by their latest report, kept from the silos' live changes: what listings and dashboard
/// snapshots read instead of asking every fleet.
/// </summary>
public interface IAssetIndexGrain : IGrainWithStringKey
{
    [Orleans.Concurrency.OneWay]
    Task MovedAsync(AssetMoved[] moves);

    Task<AssetPage> PageAsync(AssetCursor? after, int limit);

    /// <summary>The assets of these kinds (patrols, say), each with its latest report.</summary>
    Task<AssetMoved[]> OfKindsAsync(string[] kinds);

    /// <summary>
    /// Which of <paramref name="assets"/> (distinct, in the order of a request) the scenario does not take: those it
    /// has not seen beyond the first <paramref name="newAtMost"/>, or beyond <paramref name="quota"/> assets in all.
    /// The others are known from then on.
    /// </summary>
    Task<AssetAdmission> AdmitAsync(string[] assets, int newAtMost, int quota);

    Task ClearAsync();
}

/// <summary>The assets refused: the scenario is full, or the request brought too many new ones.</summary>
[GenerateSerializer, Immutable, Alias("bw.AssetAdmission")]
public sealed record AssetAdmission([property: Id(0)] string[] OverQuota, [property: Id(1)] string[] OverRequest)
{
    public static readonly AssetAdmission All = new([], []);
}
