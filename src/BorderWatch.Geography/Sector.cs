using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace BorderWatch.Geography;

/// <summary>A border sector: a route's broad area or a hotspot inside it.</summary>
public sealed class Sector
{
    internal Sector(SectorInfo info, Geometry geometry)
    {
        Info = info;
        Geometry = geometry;
        Area = geometry.Area;
        Prepared = PreparedGeometryFactory.Prepare(geometry);
    }

    public SectorInfo Info { get; }
    public string Id => Info.Id;
    public Geometry Geometry { get; }

    /// <summary>Planar area in square degrees: only compared between sectors, to find the smallest.</summary>
    public double Area { get; }

    internal IPreparedGeometry Prepared { get; }
}

/// <summary>What a sector is, without its geometry.</summary>
public sealed record SectorInfo(
    string Id,
    string Name,
    string Route,
    string Kind,
    string Domain,
    string Country,
    string ImpactLevel);

public sealed record Route(string Id, string Name, IReadOnlyList<string> SectorIds);
