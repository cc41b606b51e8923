using BorderWatch.Contracts;
using BorderWatch.Grains;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Apis;

public static class AssetsApi
{
    public static void MapAssetsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/assets", async (string? scenario, IGrainFactory grains, IOptions<AssetOptions> options) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var scenarioGrain = grains.GetGrain<IScenarioGrain>(name);
            var clock = await scenarioGrain.GetClockAsync();
            var statuses = await Task.WhenAll((await scenarioGrain.GetAssetsAsync())
                .Select(id => grains.GetGrain<IAssetGrain>(GrainKeys.For(name, id)).GetStatusAsync()));
            var features = statuses.OfType<AssetStatus>().Select(s => new
            {
                type = "Feature",
                id = s.Asset,
                geometry = new { type = "Point", coordinates = new[] { s.Latest.Lon, s.Latest.Lat } },
                properties = new
                {
                    id = s.Asset,
                    s.Kind,
                    s.Latest.Time,
                    s.Latest.SpeedKn,
                    s.Latest.CourseDeg,
                    s.Sector,
                    stale = options.Value.IsStale(s.Latest, clock),
                },
            });
            return Results.Ok(new { type = "FeatureCollection", scenario = name, asOf = clock, features });
        }).RequireRateLimiting(Security.SecurityHosting.ExpensiveReads);

        app.MapGet("/api/assets/{id}/track", async (string id, string? scenario, DateTimeOffset? from, DateTimeOffset? to, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var asset = grains.GetGrain<IAssetGrain>(GrainKeys.For(name, id));
            if (await asset.GetStatusAsync() is not { } status) return Problems.NotFound("asset", id);
            var points = await asset.GetTrackAsync(from ?? DateTimeOffset.MinValue, to ?? DateTimeOffset.MaxValue);
            return Results.Ok(new { scenario = name, asset = id, status.Kind, status.Sector, points, transitions = status.Transitions });
        });
    }
}
