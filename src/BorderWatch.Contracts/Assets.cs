using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace BorderWatch.Contracts;

/// <summary>
/// One point of an asset's track. An asset keeps a hundred of them, so a point is a small value: time as UTC ticks,
/// coordinates in millionths of a degree (about 0.1 m), speed in tenths of a knot and course in hundredths of a
/// degree (AIS reports tenths of both). 20 bytes instead of 64, and as a struct a track is one array with nothing
/// inside for the garbage collector to trace.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.TrackPoint")]
[StructLayout(LayoutKind.Sequential, Pack = 4)] // 20 bytes, not 24: the long needs no 8-byte alignment here
public readonly struct TrackPoint : IEquatable<TrackPoint> // not a record: Orleans would map its constructor to setters
{
    private const ushort Missing = ushort.MaxValue;

    [Id(0)] private readonly long _utcTicks;
    [Id(1)] private readonly int _microLat;
    [Id(2)] private readonly int _microLon;
    [Id(3)] private readonly ushort _deciKnots;
    [Id(4)] private readonly ushort _centiDegrees;

    [JsonConstructor]
    public TrackPoint(DateTimeOffset time, double lat, double lon, double? speedKn, double? courseDeg)
    {
        _utcTicks = time.UtcTicks;
        _microLat = (int)Math.Round(lat * 1e6);
        _microLon = (int)Math.Round(lon * 1e6);
        _deciKnots = speedKn is { } speed ? Scaled(speed, 10) : Missing;
        _centiDegrees = courseDeg is { } course ? Scaled(course, 100) : Missing;
    }

    public DateTimeOffset Time => new(_utcTicks, TimeSpan.Zero);
    public double Lat => _microLat / 1e6;
    public double Lon => _microLon / 1e6;
    public double? SpeedKn => _deciKnots == Missing ? null : _deciKnots / 10.0;
    public double? CourseDeg => _centiDegrees == Missing ? null : _centiDegrees / 100.0;

    // Feeds are validated (speed 0-1,000 kn, course 0-360°); the clamp only keeps a wild value from wrapping around.
    private static ushort Scaled(double value, int scale) => (ushort)Math.Clamp(Math.Round(value * scale), 0, Missing - 1);

    public bool Equals(TrackPoint other) => (_utcTicks, _microLat, _microLon, _deciKnots, _centiDegrees) ==
        (other._utcTicks, other._microLat, other._microLon, other._deciKnots, other._centiDegrees);

    public override bool Equals(object? obj) => obj is TrackPoint other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_utcTicks, _microLat, _microLon, _deciKnots, _centiDegrees);

    public static bool operator ==(TrackPoint a, TrackPoint b) => a.Equals(b);

    public static bool operator !=(TrackPoint a, TrackPoint b) => !a.Equals(b);
}

/// <summary>
/// An asset entering (<see cref="To"/>) or leaving (<see cref="From"/>) a sector; null is outside every sector.
/// A struct, like track points: an asset keeps up to 50 inside its state, no objects of their own.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.SectorTransition")]
public readonly record struct SectorTransition([property: Id(0)] DateTimeOffset Time, [property: Id(1)] string? From, [property: Id(2)] string? To);

[GenerateSerializer, Immutable, Alias("bw.AssetStatus")]
public sealed record AssetStatus(
    [property: Id(0)] string Asset,
    [property: Id(1)] string? Kind,
    [property: Id(2)] TrackPoint Latest,
    [property: Id(3)] string? Sector,
    [property: Id(4)] IReadOnlyList<SectorTransition> Transitions);
