using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Distance;

namespace BorderWatch.Geography;

/// <summary>
/// Land, to tell how far offshore a point is: Natural Earth's 1:50m land polygons in an R-tree, so that a question
/// looks only at the coasts near the point.
/// </summary>
public sealed class Coastline
{
    private readonly STRtree<Polygon> _land = new();

    public Coastline(Geometry land)
    {
        for (var i = 0; i < land.NumGeometries; i++)
            if (land.GetGeometryN(i) is Polygon polygon) _land.Insert(polygon.EnvelopeInternal, polygon);
        _land.Build();
    }

    /// <summary>Reads a GeoJSON geometry (a MultiPolygon of land).</summary>
    public static Coastline Load(string path)
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory());
        using var file = File.OpenRead(path);
        return new Coastline(JsonSerializer.Deserialize<Geometry>(file, options) ?? throw new CatalogueException($"{path} holds no geometry"));
    }

    /// <summary>
    /// Whether the point is at sea and more than <paramref name="km"/> from any land: polygons whose boxes come within
    /// that distance are measured (nearest point in degrees, then the great-circle distance to it).
    /// </summary>
    public bool IsOffshore(double lat, double lon, double km)
    {
        var dLat = km / 111.0;
        var dLon = km / (111.0 * Math.Max(0.05, Math.Cos(lat * Math.PI / 180)));
        var point = new Point(lon, lat);
        foreach (var polygon in _land.Query(new Envelope(lon - dLon, lon + dLon, lat - dLat, lat + dLat)))
        {
            if (polygon.Covers(point)) return false;
            var nearest = DistanceOp.NearestPoints(polygon, point)[0];
            if (GreatCircle.Km(lat, lon, nearest.Y, nearest.X) <= km) return false;
        }
        return true;
    }
}
