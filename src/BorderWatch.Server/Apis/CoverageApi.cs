using BorderWatch.Contracts;
using BorderWatch.Server.Coverage;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Apis;

public static class CoverageApi
{
    public const int DefaultPatrols = 5, MaxPatrols = 100;

    public sealed record Nearest(string Scenario, DateTimeOffset AsOf, double Lat, double Lon, IReadOnlyList<PatrolReach> Patrols);

    public sealed record Gaps(string Scenario, DateTimeOffset AsOf, double GapRangeKm, IReadOnlyList<CoverageGap> Sectors);

    public static void MapCoverageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/coverage", async (string? scenario, double? lat, double? lon, int? limit, PatrolCoverage coverage) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (lat is not (>= -90 and <= 90)) return Problems.BadRequest("lat", "lat is required: degrees north, -90 to 90.");
            if (lon is not (>= -180 and <= 180)) return Problems.BadRequest("lon", "lon is required: degrees east, -180 to 180.");
            if (limit is < 1 or > MaxPatrols) return Problems.BadRequest("limit", $"limit is 1 to {MaxPatrols}.");
            var (clock, patrols) = await coverage.NearestAsync(name, lat.Value, lon.Value, limit ?? DefaultPatrols);
            return Results.Ok(new Nearest(name, clock, lat.Value, lon.Value, patrols));
        }).Produces<Nearest>()
          .WithDescription("The patrol assets nearest a point (not stale), with distance, bearing and time to arrive.");

        app.MapGet("/api/coverage/gaps", async (string? scenario, PatrolCoverage coverage, IOptions<CoverageOptions> options) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var (clock, gaps) = await coverage.GapsAsync(name);
            return Results.Ok(new Gaps(name, clock, options.Value.GapRangeKm, gaps));
        }).Produces<Gaps>()
          .WithDescription("Sectors no patrol was in or near over the last hour, the busiest of the last 24 hours first.");
    }
}
