using System.Collections.Concurrent;
using System.Diagnostics;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains;
using BorderWatch.Grains.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Live;

/// <summary>
/// Playback: a scenario's picture as of a moment of its past, played to one dashboard at a speed of its choosing.
/// Each frame is read from what the scenario keeps (the sectors' buckets, the alert book, the assets' kept tracks):
/// nothing is re-ingested and the scenario is not changed. A connection plays or watches live, not both; each
/// playing connection has its own clock.
/// </summary>
public sealed class Playbacks(SectorCatalogue catalogue, IGrainFactory grains, IHubContext<LiveHub, IDashboardClient> hub,
    IOptions<AssetOptions> assets, IOptions<LiveOptions> live, ILogger<Playbacks> logger)
{
    /// <summary>Time between frames on the wall clock: at 3600x a frame moves the picture on half an hour.</summary>
    public static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(500);

    public const double MaxSpeed = 3600;

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _playing = new(StringComparer.Ordinal);

    /// <summary>Plays from <paramref name="at"/> at <paramref name="speed"/> (0: one frame, paused there) until the scenario's clock.</summary>
    public void Play(string connectionId, string scenario, DateTimeOffset at, double speed)
    {
        Stop(connectionId);
        var stop = new CancellationTokenSource();
        _playing[connectionId] = stop;
        _ = RunAsync(hub.Clients.Client(connectionId), scenario, at, speed, stop.Token);
    }

    public void Stop(string connectionId)
    {
        if (!_playing.TryRemove(connectionId, out var stop)) return;
        stop.Cancel();
        stop.Dispose();
    }

    private async Task RunAsync(IDashboardClient client, string scenario, DateTimeOffset at, double speed, CancellationToken stop)
    {
        try
        {
            var end = await grains.GetGrain<IScenarioGrain>(scenario).GetClockAsync();
            var wall = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                var moment = at + TimeSpan.FromTicks((long)(wall.Elapsed.Ticks * speed));
                if (moment > end) moment = end;
                await client.Picture(await PictureAsync(scenario, moment).WaitAsync(live.Value.ReadTimeout, stop));
                if (speed == 0 || moment == end) return;
                await Task.Delay(Frame, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Playback of {Scenario} from {At} stopped", scenario, at);
        }
    }

    /// <summary>The picture as of a moment: every sector's and route's counts, the alerts open then, where the assets were.</summary>
    public async Task<DashboardSnapshot> PictureAsync(string scenario, DateTimeOffset at)
    {
        var counts = Task.WhenAll(catalogue.Sectors.Select(s => grains.GetGrain<ISectorGrain>(GrainKeys.For(scenario, s.Id)).GetLiveAtAsync(at)));
        var alerts = AlertsAsync(scenario, at);
        var positions = AssetsAsync(scenario, at);
        var sectors = catalogue.Sectors.Zip(await counts, (s, c) => new CountsUpdate(s.Id, c.Counts, c.Hourly)).ToArray();
        var byId = sectors.ToDictionary(s => s.Id);
        var routes = catalogue.Routes.Select(r => ScenarioFeed.Sum(r.Id, at, r.SectorIds.Select(id => byId[id]))).ToArray();
        return new DashboardSnapshot(scenario, at, assets.Value.StaleAfter, sectors, routes, await positions, await alerts, []);
    }

    /// <summary>Alerts that had fired by then and were open, or resolved in the 24 hours before, in the state they had.</summary>
    private async Task<AlertsUpdate> AlertsAsync(string scenario, DateTimeOffset at)
    {
        var book = grains.GetGrain<IAlertsGrain>(scenario);
        var all = await book.QueryAsync(new AlertQuery(null, null, null, null, Archived: false));
        var fired = all.Where(a => a.FiredAt <= at).ToList();
        foreach (var alert in fired.Where(a => a.ResolvedAt > at))
        {
            // These copies are this answer's own: the book keeps its alerts as they are now.
            (alert.State, alert.ResolvedAt, alert.Resolution, alert.Acknowledgement) = (AlertState.Firing, null, null, null);
        }
        return new AlertsUpdate(scenario, ScenarioFeed.Board(fired, at), await book.GetImpactLevelsAsync());
    }

    /// <summary>Each asset at its last kept point at or before the moment: one call per fleet.</summary>
    private async Task<AssetUpdate[]> AssetsAsync(string scenario, DateTimeOffset at)
    {
        var page = await grains.GetGrain<IAssetIndexGrain>(scenario).PageAsync(null, live.Value.MaxSnapshotAssets);
        var byFleet = page.Assets.GroupBy(a => JournalShards.For(scenario, JournalShards.Assets, a.Asset)).ToArray();
        var points = await Task.WhenAll(byFleet.Select(f => grains.GetGrain<IFleetGrain>(f.Key).GetPositionsAtAsync([.. f.Select(a => a.Asset)], at)));
        return [.. byFleet.SelectMany((fleet, i) => fleet.Zip(points[i], (a, p) => (a, p)))
            .Where(x => x.p is not null)
            .Select(x => new AssetUpdate(x.a.Asset, x.a.Kind, x.p!.Value, catalogue.Locate(x.p.Value.Lat, x.p.Value.Lon)?.Id, assets.Value.IsStale(x.p.Value, at), x.a.Vessel))];
    }
}
