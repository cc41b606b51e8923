using BorderWatch.Contracts;
using BorderWatch.Geography;

namespace BorderWatch.Server.Apis;

public static class SectorsApi
{
    public sealed record SectorProperties(
        string Id, string Name, string Route, string Kind, string Domain, string Country, string ImpactLevel, string CataloguedImpactLevel,
        Tally LastHour, Tally Last24h, Tally Last7d, Tally AllTime, DateTimeOffset? LatestEvent);

    public sealed record SectorFeature(string Id, NetTopologySuite.Geometries.Geometry Geometry, SectorProperties Properties)
    {
        public string Type => "Feature";
    }

    public sealed record SectorList(string Scenario, DateTimeOffset AsOf, IReadOnlyList<SectorFeature> Features, WindowCounts Unassigned)
    {
        public string Type => "FeatureCollection";
    }

    public sealed record SectorSeries(string Scenario, string Sector, BucketSize Bucket, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? RetainedFrom, IReadOnlyList<SeriesPoint> Points);

    /// <summary>A sector's counts: live at the scenario clock, or as they stood at a past moment.</summary>
    public static Task<WindowCounts> CountsAsync(ISectorGrain sector, DateTimeOffset at, bool past) =>
        past ? sector.GetCountsAtAsync(at) : sector.GetCountsAsync(at);

    public static void MapSectorsApi(this IEndpointRouteBuilder app)
    {
        // ?asOf= gives the counts as they stood at a moment of the scenario's past (playback reads the same).
        app.MapGet("/api/sectors", async (string? scenario, DateTimeOffset? asOf, SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var clock = asOf?.ToUniversalTime() ?? await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            var levels = await grains.GetGrain<IAlertsGrain>(name).GetImpactLevelsAsync();
            var features = await Task.WhenAll(catalogue.Sectors.Select(async sector =>
            {
                var c = await CountsAsync(grains.GetGrain<ISectorGrain>(GrainKeys.For(name, sector.Id)), clock, past: asOf is not null);
                var i = sector.Info;
                return new SectorFeature(sector.Id, sector.Geometry, new SectorProperties(i.Id, i.Name, i.Route, i.Kind, i.Domain, i.Country,
                    levels.GetValueOrDefault(i.Id, i.ImpactLevel), i.ImpactLevel, c.LastHour, c.Last24h, c.Last7d, c.AllTime, c.LatestEvent));
            }));
            var unassigned = await CountsAsync(grains.GetGrain<ISectorGrain>(GrainKeys.For(name, SectorCatalogue.Unassigned)), clock, past: asOf is not null);
            return Results.Ok(new SectorList(name, clock, features, unassigned));
        }).Produces<SectorList>();

        app.MapGet("/api/sectors/{id}/series", async (string id, string? scenario, string? bucket, DateTimeOffset? from, DateTimeOffset? to,
            SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (catalogue.FindSector(id) is null && id != SectorCatalogue.Unassigned) return Problems.NotFound("sector", id);
            var clock = await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            if (ScenarioQuery.Window(bucket, from, to, clock, out var w) is { } bad) return bad;
            var series = await grains.GetGrain<ISectorGrain>(GrainKeys.For(name, id)).GetSeriesAsync(w.Bucket, w.From, w.To);
            return Results.Ok(new SectorSeries(name, id, series.Bucket, series.From, series.To, series.RetainedFrom, series.Points));
        }).Produces<SectorSeries>();
    }
}
