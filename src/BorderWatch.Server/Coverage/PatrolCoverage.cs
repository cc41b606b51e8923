using System.ComponentModel.DataAnnotations;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Coverage;

/// <summary>Configuration section BorderWatch:Coverage.</summary>
public sealed class CoverageOptions
{
    public const string Section = "BorderWatch:Coverage";

    /// <summary>
    /// The kinds of asset that are patrols: the own fleet over AIS, and what JSON feeders call their own aircraft and
    /// vehicles. Other AIS traffic is "vessel", never a patrol.
    /// </summary>
    public List<string> Kinds { get; set; } = ["patrol", "aircraft", "vehicle"];

    /// <summary>The speed an asset is taken to go at when it reports less than 1 kn, or none.</summary>
    [Range(1, 1000, ErrorMessage = "BorderWatch:Coverage:CruiseKnots must be between 1 and 1000")]
    public double CruiseKnots { get; set; } = 20;

    /// <summary>A sector is covered when a patrol was inside it, or this close, in the last hour.</summary>
    [Range(0, 1000, ErrorMessage = "BorderWatch:Coverage:GapRangeKm must be between 0 and 1000")]
    public double GapRangeKm { get; set; } = 30;
}

/// <summary>A sector without a patrol in or near it over the last hour, with its last 24 hours.</summary>
public sealed record CoverageGap(string Sector, string Name, string Route, Tally Last24h, double? NearestKm);

/// <summary>
/// Where the patrols are against where they are needed, from the scenario's asset index (latest reports) and the
/// patrols' kept tracks: the nearest ones to a point, and the sectors none of them watched in the last hour.
/// </summary>
public sealed class PatrolCoverage(IGrainFactory grains, SectorCatalogue catalogue, IOptions<CoverageOptions> options, IOptions<AssetOptions> assets)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Patrols not stale on the scenario clock, nearest first.</summary>
    public async Task<(DateTimeOffset Clock, PatrolReach[] Patrols)> NearestAsync(string scenario, double lat, double lon, int limit)
    {
        var clock = await grains.GetGrain<IScenarioGrain>(scenario).GetClockAsync();
        return (clock, Nearest(await PatrolsAsync(scenario, clock), lat, lon, limit));
    }

    /// <summary>The scenario's patrols not stale at <paramref name="clock"/>, each with its latest report.</summary>
    public async Task<AssetMoved[]> PatrolsAsync(string scenario, DateTimeOffset clock)
    {
        var patrols = await grains.GetGrain<IAssetIndexGrain>(scenario).OfKindsAsync([.. options.Value.Kinds]);
        return [.. patrols.Where(p => !assets.Value.IsStale(p.Latest, clock))];
    }

    public PatrolReach[] Nearest(IEnumerable<AssetMoved> patrols, double lat, double lon, int limit) =>
        [.. patrols.Select(p => Reach(p, lat, lon)).OrderBy(r => r.DistanceKm).Take(limit)];

    public PatrolReach Reach(AssetMoved patrol, double lat, double lon)
    {
        var at = patrol.Latest;
        var km = GreatCircle.Km(at.Lat, at.Lon, lat, lon);
        var knots = at.SpeedKn is { } s and >= 1 ? s : options.Value.CruiseKnots;
        return new PatrolReach(patrol.Asset, patrol.Kind!, patrol.Vessel?.Name, at.Lat, at.Lon, at.Time, at.SpeedKn, Math.Round(km, 2),
            Math.Round(GreatCircle.Bearing(at.Lat, at.Lon, lat, lon), 1), knots, Math.Round(km / GreatCircle.KmPerNauticalMile / knots * 60, 1));
    }

    /// <summary>
    /// Sectors that no patrol position of the last hour lies in or within the gap range of, by detections in the
    /// last 24 hours (then persons), the busiest first; each with how near the nearest of those positions came.
    /// </summary>
    public async Task<(DateTimeOffset Clock, CoverageGap[] Gaps)> GapsAsync(string scenario)
    {
        var clock = await grains.GetGrain<IScenarioGrain>(scenario).GetClockAsync();
        var patrols = await grains.GetGrain<IAssetIndexGrain>(scenario).OfKindsAsync([.. options.Value.Kinds]);
        var tracks = await Task.WhenAll(patrols.Where(p => p.Latest.Time >= clock - Window)
            .Select(p => Fleets.Of(grains, scenario, p.Asset).GetTrackAsync(p.Asset, clock - Window, clock.AddTicks(1))));
        var points = tracks.SelectMany(t => t).ToList();
        var gaps = await Task.WhenAll(catalogue.Sectors.Select(async sector =>
        {
            double? nearest = points.Count == 0 ? null : points.Min(p => GreatCircle.KmTo(sector, p.Lat, p.Lon));
            if (nearest <= options.Value.GapRangeKm) return null;
            var counts = await grains.GetGrain<ISectorGrain>(GrainKeys.For(scenario, sector.Id)).GetCountsAsync(clock);
            return new CoverageGap(sector.Id, sector.Info.Name, sector.Info.Route, counts.Last24h, nearest is { } n ? Math.Round(n, 1) : null);
        }));
        return (clock, [.. gaps.OfType<CoverageGap>().OrderByDescending(g => g.Last24h.Detections).ThenByDescending(g => g.Last24h.Persons).ThenBy(g => g.Sector)]);
    }
}
