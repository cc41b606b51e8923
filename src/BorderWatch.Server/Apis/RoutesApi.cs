using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Alerting;

namespace BorderWatch.Server.Apis;

public static class RoutesApi
{
    public sealed record RouteView(string Id, string Name, IReadOnlyList<string> Sectors, Tally LastHour, Tally Last24h, Tally Last7d, Tally AllTime, DateTimeOffset? LatestEvent);
    public sealed record RouteList(string Scenario, DateTimeOffset AsOf, RouteView[] Routes, WindowCounts Unassigned);
    public sealed record RouteBaseline(string Scenario, string Route, BucketSize Bucket, DateTimeOffset From, DateTimeOffset To, double Threshold, string Metric, IReadOnlyList<BaselinePoint> Points);
    public sealed record RouteSeries(string Scenario, string Route, BucketSize Bucket, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? RetainedFrom, IReadOnlyList<SeriesPoint> Points);

    public static void MapRoutesApi(this IEndpointRouteBuilder app)
    {
        // ?asOf= gives the counts as they stood at a moment of the scenario's past (playback reads the same).
        app.MapGet("/api/routes", async (string? scenario, DateTimeOffset? asOf, SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var clock = asOf?.ToUniversalTime() ?? await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            var routes = await Task.WhenAll(catalogue.Routes.Select(async route =>
            {
                var grain = grains.GetGrain<IRouteGrain>(GrainKeys.For(name, route.Id));
                var c = await (asOf is null ? grain.GetCountsAsync(clock) : grain.GetCountsAtAsync(clock));
                return new RouteView(route.Id, route.Name, route.SectorIds, c.LastHour, c.Last24h, c.Last7d, c.AllTime, c.LatestEvent);
            }));
            var unassigned = await SectorsApi.CountsAsync(grains.GetGrain<ISectorGrain>(GrainKeys.For(name, SectorCatalogue.Unassigned)), clock, past: asOf is not null);
            return Results.Ok(new RouteList(name, clock, routes, unassigned));
        }).Produces<RouteList>();

        app.MapGet("/api/routes/{id}/series", async (string id, string? scenario, string? bucket, DateTimeOffset? from, DateTimeOffset? to,
            SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (catalogue.FindRoute(id) is null) return Problems.NotFound("route", id);
            var clock = await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            if (ScenarioQuery.Window(bucket, from, to, clock, out var w) is { } bad) return bad;
            var series = await grains.GetGrain<IRouteGrain>(GrainKeys.For(name, id)).GetSeriesAsync(w.Bucket, w.From, w.To);
            return Results.Ok(new RouteSeries(name, id, series.Bucket, series.From, series.To, series.RetainedFrom, series.Points));
        }).Produces<RouteSeries>();

        // What the alerts judged each bucket by: for the dashboard's charts and for an operator asking why it fired.
        app.MapGet("/api/routes/{id}/baseline", async (string id, string? scenario, string? bucket, DateTimeOffset? from, DateTimeOffset? to,
            SectorCatalogue catalogue, IGrainFactory grains, IConfiguration configuration) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (catalogue.FindRoute(id) is null) return Problems.NotFound("route", id);
            var clock = await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            if (ScenarioQuery.Window(bucket ?? "day", from, to, clock, out var w) is { } bad) return bad;
            // From the configuration: a front end without grains of its own has no bound alert options.
            var alerts = configuration.GetSection(AlertOptions.Section).Get<AlertOptions>() ?? new();
            if (alerts.RuleFor("route", id, w.Bucket) is not { } rule) return Problems.BadRequest("bucket", $"No alert rule judges {id} by the {w.Bucket.ToString().ToLowerInvariant()}; the rules judge hours and days.");
            var points = await grains.GetGrain<IAlertsGrain>(name).GetBaselineAsync(id, w.Bucket, w.From, w.To);
            return Results.Ok(new RouteBaseline(name, id, w.Bucket, w.From, w.To, rule.Sensitivity, rule.Metric.ToString().ToLowerInvariant(), points));
        }).Produces<RouteBaseline>();
    }
}
