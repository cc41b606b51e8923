using BorderWatch.Contracts;
using BorderWatch.Grains;
using BorderWatch.Grains.Live;
using Microsoft.AspNetCore.SignalR;

namespace BorderWatch.Server.Live;

/// <summary>
/// What one dashboard connection has yet to receive: the latest value per sector, route and asset, the alert board,
/// and the new detections. A sending loop of its own sends it, in one message, at most every <see cref="LiveOptions.SendInterval"/>;
/// a client that reads slowly holds up only this loop, and meanwhile newer values replace older ones, so it misses
/// intermediate states, never the last one (of detections, the newest round's worth).
/// </summary>
internal sealed class ConnectionFeed(string connectionId, SubscriptionScope scope, IHubContext<LiveHub, IDashboardClient> hub,
    LiveOptions options, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Signal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, CountsUpdate> _sectors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CountsUpdate> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AssetUpdate> _assets = new(StringComparer.Ordinal);
    private readonly List<DetectionUpdate> _detections = [];
    private DashboardSnapshot? _snapshot;
    private AlertsUpdate? _alerts;
    private DateTimeOffset _clock;
    private DateTime _waitingSince;   // when the oldest change not yet sent was accepted on a silo (UTC); default when none

    public string ConnectionId => connectionId;
    public SubscriptionScope Scope => scope;

    /// <summary>Sends the snapshot first, then changes as they are offered.</summary>
    public void Start(DashboardSnapshot snapshot)
    {
        lock (_gate) _snapshot = snapshot;
        _ = Task.Run(SendLoopAsync);
        _wake.Set();
    }

    public void Stop() => _stop.Cancel();

    /// <summary>
    /// A round to send, merged into what waits: the latest value per sector, route and asset, the board whole, every
    /// detection (events, not values; beyond a round's worth the oldest go). <paramref name="since"/> is when the
    /// oldest change among them was accepted (default for a periodic refresh), for the live lag metric.
    /// </summary>
    public void Offer(Round round, DateTime since)
    {
        lock (_gate)
        {
            _clock = round.Clock;
            var any = false;
            if (round.Alerts is { } alerts) (_alerts, any) = (scope.Filter(alerts), true);
            foreach (var s in round.Sectors.Where(s => scope.HasSector(s.Id))) (_sectors[s.Id], any) = (s, true);
            foreach (var r in round.Routes.Where(r => scope.HasRoute(r.Id))) (_routes[r.Id], any) = (r, true);
            foreach (var a in round.Assets.Where(a => scope.HasAsset(a.Sector, a.Latest)))
            {
                // Positions can arrive out of order (late reports): keep the newest.
                if (!_assets.TryGetValue(a.Asset, out var held) || held.Latest.Time <= a.Latest.Time) _assets[a.Asset] = a;
                any = true;
            }
            foreach (var d in round.Detections.Where(d => scope.HasDetection(d.Detection)))
            {
                _detections.Add(d);
                any = true;
            }
            Newest.Keep(_detections, options.MaxDetectionsPerRound, d => d.Detection.Time);
            if (!any) return;
            Waiting(since);
        }
        _wake.Set();
    }

    private async Task SendLoopAsync()
    {
        var client = hub.Clients.Client(connectionId);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (!await _wake.WaitAsync(Timeout.InfiniteTimeSpan, _stop.Token)) continue;
                var (snapshot, clock, sectors, routes, assets, alerts, detections, since) = Take();
                if (snapshot is not null) await client.Snapshot(snapshot with { Alerts = scope.Filter(snapshot.Alerts) });
                if (alerts is not null || sectors.Length + routes.Length + assets.Length + detections.Length > 0)
                    await client.Changed(new(scope.Scenario, clock, sectors, routes, assets, detections, alerts));
                if (since != default) BorderWatchMetrics.LiveLag.Record((DateTime.UtcNow - since).TotalSeconds);
                await Task.Delay(options.SendInterval, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // unsubscribed or disconnected
        }
        catch (Exception e)
        {
            logger.LogInformation(e, "Stopped sending to dashboard connection {Connection}", connectionId);
        }
    }

    private void Waiting(DateTime since)
    {
        if (since != default && (_waitingSince == default || since < _waitingSince)) _waitingSince = since;
    }

    private (DashboardSnapshot?, DateTimeOffset, CountsUpdate[], CountsUpdate[], AssetUpdate[], AlertsUpdate?, DetectionUpdate[], DateTime) Take()
    {
        lock (_gate)
        {
            var taken = (_snapshot, _clock, _sectors.Values.ToArray(), _routes.Values.ToArray(), _assets.Values.ToArray(), _alerts,
                _detections.ToArray(), _waitingSince);
            _detections.Clear();
            _waitingSince = default;
            _snapshot = null;
            _alerts = null;
            _sectors.Clear();
            _routes.Clear();
            _assets.Clear();
            return taken;
        }
    }
}
