using BorderWatch.Geography;

namespace BorderWatch.Server.Apis;

/// <summary>
/// The sector catalogue itself: geometry, names and routes, the same in every scenario, so that a key scoped to one
/// exercise can draw its map. Counts and current impact levels are scenario data (/api/sectors, the live hub).
/// </summary>
public static class CatalogueApi
{
    public sealed record CatalogueFeature(string Id, NetTopologySuite.Geometries.Geometry Geometry, SectorInfo Properties)
    {
        public string Type => "Feature";
    }

    public sealed record Catalogue(IEnumerable<CatalogueFeature> Features, IReadOnlyList<BorderWatch.Geography.Route> Routes)
    {
        public string Type => "FeatureCollection";
    }

    public static void MapCatalogueApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/catalogue", (SectorCatalogue catalogue) => Results.Ok(new Catalogue(catalogue.Sectors.Select(s => new CatalogueFeature(s.Id, s.Geometry, s.Info)), catalogue.Routes)))
            .Produces<Catalogue>();
}
