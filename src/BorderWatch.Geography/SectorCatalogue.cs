using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace BorderWatch.Geography;

/// <summary>
/// The sectors and routes a deployment watches, and the point-in-polygon lookup that places a detection in
/// the smallest sector containing it.
/// </summary>
public sealed class SectorCatalogue
{
    /// <summary>The pseudo-sector of detections that fall in no sector: counted, never dropped.</summary>
    public const string Unassigned = "unassigned";

    private readonly Dictionary<string, Sector> _byId;
    private readonly Dictionary<string, Route> _routes;
    private readonly STRtree<Sector> _index = new();
    private readonly GeometryFactory _factory = new();

    internal SectorCatalogue(IReadOnlyList<Sector> sectors, IReadOnlyList<Route> routes)
    {
        Sectors = sectors;
        Routes = routes;
        _byId = sectors.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _routes = routes.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var sector in sectors)
        {
            _index.Insert(sector.Geometry.EnvelopeInternal, sector);
            // Prepared geometries build their lookup structures lazily; do it now, on one thread,
            // so that concurrent lookups afterwards only read them.
            sector.Prepared.Covers(sector.Geometry.InteriorPoint);
        }
        _index.Build();
    }

    public IReadOnlyList<Sector> Sectors { get; }
    public IReadOnlyList<Route> Routes { get; }

    public Sector? FindSector(string id) => _byId.GetValueOrDefault(id);
    public Route? FindRoute(string id) => _routes.GetValueOrDefault(id);

    /// <summary>The smallest sector that contains the point (borders included), or null when none does.</summary>
    public Sector? Locate(double lat, double lon)
    {
        var point = _factory.CreatePoint(new Coordinate(lon, lat));
        Sector? best = null;
        foreach (var candidate in _index.Query(point.EnvelopeInternal))
        {
            if ((best is null || candidate.Area < best.Area) && candidate.Prepared.Covers(point)) best = candidate;
        }
        return best;
    }

    /// <summary>The sector id a detection at this point counts in: <see cref="Unassigned"/> outside every sector.</summary>
    public string Assign(double lat, double lon) => Locate(lat, lon)?.Id ?? Unassigned;

    /// <summary>The route a sector belongs to; null for <see cref="Unassigned"/> and unknown ids.</summary>
    public string? RouteOf(string sectorId) => FindSector(sectorId)?.Info.Route;

    public static SectorCatalogue Load(string path)
    {
        if (!File.Exists(path)) throw new CatalogueException($"Sector catalogue '{path}' does not exist.");
        using var stream = File.OpenRead(path);
        return CatalogueReader.Read(stream, path);
    }
}
