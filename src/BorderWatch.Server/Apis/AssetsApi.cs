using BorderWatch.Contracts;
using BorderWatch.Grains;
using System.Buffers.Text;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Apis;

public static class AssetsApi
{
    public const int DefaultPage = 1_000, MaxPage = 10_000;

    public sealed record Point(double[] Coordinates)
    {
        public string Type => "Point";
    }

    public sealed record AssetProperties(string Id, string? Kind, DateTimeOffset Time, double? SpeedKn, double? CourseDeg, string? Sector, bool Stale, Vessel? Vessel);

    public sealed record AssetFeature(string Id, Point Geometry, AssetProperties Properties)
    {
        public string Type => "Feature";
    }

    /// <summary>A page of assets as GeoJSON; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
    public sealed record AssetList(string Scenario, DateTimeOffset AsOf, int Total, bool Complete, string? Next, IEnumerable<AssetFeature> Features)
    {
        public string Type => "FeatureCollection";
    }

    public sealed record AssetTrack(string Scenario, string Asset, string? Kind, string? Sector, IReadOnlyList<TrackPoint> Points, IReadOnlyList<SectorTransition> Transitions);

    /// <summary>Opaque to clients: the last asset of a page, its report's time in ticks and its id, URL-safe.</summary>
    public static string FormatCursor(AssetCursor cursor) =>
        Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($"{cursor.Time.UtcTicks}~{cursor.Asset}"));

    public static AssetCursor? ParseCursor(string text)
    {
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            var split = decoded.IndexOf('~');
            return split > 0 && long.TryParse(decoded.AsSpan(0, split), out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new AssetCursor(new DateTimeOffset(ticks, TimeSpan.Zero), decoded[(split + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static AssetFeature Feature(string id, string? kind, TrackPoint latest, string? sector, Vessel? vessel, bool stale) =>
        new(id, new Point([latest.Lon, latest.Lat]), new AssetProperties(id, kind, latest.Time, latest.SpeedKn, latest.CourseDeg, sector, stale, vessel));

    public static void MapAssetsApi(this IEndpointRouteBuilder app)
    {
        // A page of the scenario's assets from its index, the most recently reporting first; `next` goes on.
        app.MapGet("/api/assets", async (string? scenario, int? limit, string? cursor, IGrainFactory grains, IOptions<AssetOptions> options) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (limit is < 1 or > MaxPage) return Problems.BadRequest("limit", $"limit is 1 to {MaxPage:N0}.");
            AssetCursor? after = null;
            if (cursor is not null && (after = ParseCursor(cursor)) is null) return Problems.BadRequest("cursor", "cursor is the `next` of the page before, as it was given.");
            var clock = await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            var page = await grains.GetGrain<IAssetIndexGrain>(name).PageAsync(after, limit ?? DefaultPage);
            var features = page.Assets.Select(s => Feature(s.Asset, s.Kind, s.Latest, s.Sector, s.Vessel, options.Value.IsStale(s.Latest, clock)));
            return Results.Ok(new AssetList(name, clock, page.Total, page.Complete, page.Next is { } next ? FormatCursor(next) : null, features));
        }).RequireRateLimiting(Security.SecurityHosting.ExpensiveReads).Produces<AssetList>();

        // One asset from its grain (not the index, which trails by a publish interval).
        app.MapGet("/api/assets/{id}", async (string id, string? scenario, IGrainFactory grains, IOptions<AssetOptions> options) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (await Fleets.Of(grains, name, id).GetStatusAsync(id) is not { } s) return Problems.NotFound("asset", id);
            var clock = await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
            return Results.Ok(Feature(s.Asset, s.Kind, s.Latest, s.Sector, s.Vessel, options.Value.IsStale(s.Latest, clock)));
        }).Produces<AssetFeature>();

        app.MapGet("/api/assets/{id}/track", async (string id, string? scenario, DateTimeOffset? from, DateTimeOffset? to, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var fleet = Fleets.Of(grains, name, id);
            if (await fleet.GetStatusAsync(id) is not { } status) return Problems.NotFound("asset", id);
            var points = await fleet.GetTrackAsync(id, from ?? DateTimeOffset.MinValue, to ?? DateTimeOffset.MaxValue);
            return Results.Ok(new AssetTrack(name, id, status.Kind, status.Sector, points, status.Transitions));
        }).Produces<AssetTrack>();
    }
}
