using System.Text.Json;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace BorderWatch.Geography;

/// <summary>Reads a GeoJSON FeatureCollection of sectors and refuses it whole, naming the feature, if any part is wrong.</summary>
public static partial class CatalogueReader
{
    private static readonly HashSet<string> Kinds = ["area", "hotspot"];
    private static readonly HashSet<string> Domains = ["land", "sea"];
    private static readonly HashSet<string> Levels = [.. ImpactLevels.Ordered];

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();

    public static SectorCatalogue Read(Stream geoJson, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(geoJson);
        }
        catch (JsonException e)
        {
            throw new CatalogueException($"Sector catalogue '{source}' is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") != "FeatureCollection"
                || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new CatalogueException($"Sector catalogue '{source}' is not a GeoJSON FeatureCollection with a 'features' array.");
            }

            var sectors = new List<Sector>();
            var routeNames = new Dictionary<string, string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                index++;
                var sector = ReadFeature(feature, $"Sector catalogue '{source}', feature #{index}");
                if (sectors.Any(s => s.Id == sector.Id))
                    throw new CatalogueException($"Sector catalogue '{source}', feature #{index} ('{sector.Id}'): the id is used twice.");
                var routeName = Text(feature.GetProperty("properties"), "routeName") ?? sector.Info.Route;
                routeNames.TryAdd(sector.Info.Route, routeName);
                sectors.Add(sector);
            }
            if (sectors.Count == 0) throw new CatalogueException($"Sector catalogue '{source}' has no features.");

            var routes = routeNames
                .Select(r => new Route(r.Key, r.Value, sectors.Where(s => s.Info.Route == r.Key).Select(s => s.Id).ToArray()))
                .ToArray();
            return new SectorCatalogue(sectors, routes);
        }
    }

    private static Sector ReadFeature(JsonElement feature, string where)
    {
        if (feature.ValueKind != JsonValueKind.Object || Text(feature, "type") != "Feature")
            throw new CatalogueException($"{where}: not a GeoJSON Feature.");
        if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
            throw new CatalogueException($"{where}: has no 'properties' object.");

        var id = Text(p, "id") ?? Text(feature, "id");
        if (id is null || !IdPattern().IsMatch(id) || id == SectorCatalogue.Unassigned)
            throw new CatalogueException($"{where}: 'id' must be 1-64 lower-case letters, digits or hyphens (and not '{SectorCatalogue.Unassigned}'); found '{id}'.");
        where = $"{where} ('{id}')";

        var route = Text(p, "route");
        if (route is null || !IdPattern().IsMatch(route))
            throw new CatalogueException($"{where}: 'route' must be a route id of lower-case letters, digits or hyphens; found '{route}'.");
        var info = new SectorInfo(
            id,
            Text(p, "name") is { Length: > 0 } name ? name : throw new CatalogueException($"{where}: 'name' is missing."),
            route,
            OneOf(p, "kind", Kinds, where),
            OneOf(p, "domain", Domains, where),
            Text(p, "country") is { Length: > 0 } country ? country : throw new CatalogueException($"{where}: 'country' is missing."),
            OneOf(p, "impactLevel", Levels, where));

        return new Sector(info, ReadGeometry(feature, where));
    }

    private static Geometry ReadGeometry(JsonElement feature, string where)
    {
        if (!feature.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object)
            throw new CatalogueException($"{where}: has no geometry.");
        Geometry? geometry;
        try
        {
            geometry = g.Deserialize<Geometry>(GeoJson);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new CatalogueException($"{where}: the geometry cannot be read: {e.Message}");
        }
        if (geometry is not (Polygon or MultiPolygon))
            throw new CatalogueException($"{where}: the geometry must be a Polygon or MultiPolygon, not {geometry?.GeometryType ?? "nothing"}.");
        if (geometry.Coordinates.Any(c => !(c.Y is >= -90 and <= 90) || !(c.X is >= -180 and <= 180)))
            throw new CatalogueException($"{where}: a coordinate lies outside longitude -180..180 / latitude -90..90.");
        var error = new IsValidOp(geometry).ValidationError;
        if (error is not null)
            throw new CatalogueException($"{where}: the geometry is not valid: {error.Message} at ({error.Coordinate?.X}, {error.Coordinate?.Y}).");
        return geometry;
    }

    private static string OneOf(JsonElement p, string name, HashSet<string> allowed, string where) =>
        Text(p, name) is { } value && allowed.Contains(value)
            ? value
            : throw new CatalogueException($"{where}: '{name}' must be one of {string.Join(", ", allowed)}; found '{Text(p, name)}'.");

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
