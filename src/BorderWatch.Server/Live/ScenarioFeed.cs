using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains;
using BorderWatch.Grains.Live;
using BorderWatch.Server.Coverage;

namespace BorderWatch.Server.Live;

/// <summary>
/// The live counters of one scenario on this front end, while some dashboard here watches it. Silos say which
/// sectors changed; this reads those sectors' routes again (one read per sector however many detections arrived)
/// and offers the new counters to every connection. Every <see cref="LiveOptions.RefreshInterval"/> it reads all,
/// so windows such as "last hour" roll on with the scenario clock even when nothing arrives. New detections go out
/// with the patrols nearest them, from one read of the patrols a round.
/// </summary>
internal sealed class ScenarioFeed
{
    private readonly string _scenario;
    private readonly SectorCatalogue _catalogue;
    private readonly IGrainFactory _grains;
    private readonly LiveOptions _options;
    private readonly AssetOptions _assets;
    private readonly PatrolCoverage _coverage;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Signal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, CountsUpdate> _sectors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CountsUpdate> _routes = new(StringComparer.Ordinal);
    private readonly List<ConnectionFeed> _connections = [];
    private HashSet<string> _dirty = new(StringComparer.Ordinal);
    private AlertsUpdate _alerts;
    private bool _alertsDirty = true;
    private Dictionary<string, AssetMoved> _moved = new(StringComparer.Ordinal);
    private List<Detection> _seen = [];
    private DateTime _since;   // when the oldest change waiting was accepted; default when none
    private DateTime _refreshAt = DateTime.MinValue;   // the next periodic read of everything
    private DateTime _catchUpAt = DateTime.MaxValue;   // one more asked for by the front end

    /// <summary>How many patrols a detection message names.</summary>
    public const int NearestPatrols = 3;

    public ScenarioFeed(string scenario, SectorCatalogue catalogue, IGrainFactory grains, LiveOptions options, AssetOptions assets,
        PatrolCoverage coverage, ILogger logger)
    {
        (_scenario, _catalogue, _grains, _options, _assets, _coverage, _logger) = (scenario, catalogue, grains, options, assets, coverage, logger);
        _alerts = AlertsUpdate.Empty(scenario);
        _ = Task.Run(RunAsync);
    }

    /// <summary>Connections watching this scenario; when none is left the feed is stopped.</summary>
    public int Count { get { lock (_gate) return _connections.Count; } }

    public async Task AddAsync(ConnectionFeed connection)
    {
        await _loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var clock = await _grains.GetGrain<IScenarioGrain>(_scenario).GetClockAsync().WaitAsync(_options.ReadTimeout);
        var assets = await ReadAssetsAsync(connection.Scope, clock).WaitAsync(_options.ReadTimeout);
        var recent = await _grains.GetGrain<IRecentDetectionsGrain>(_scenario).GetAsync(clock - RecentDetectionsGrain.Window).WaitAsync(_options.ReadTimeout);
        var detections = await WithPatrolsAsync(recent.Where(connection.Scope.HasDetection).ToArray(), clock).WaitAsync(_options.ReadTimeout);
        lock (_gate)
        {
            // Taken under the lock that guards offers: the connection sees every change after this snapshot.
            var snapshot = new DashboardSnapshot(_scenario, clock, _assets.StaleAfter,
                _sectors.Values.Where(s => connection.Scope.HasSector(s.Id)).ToArray(),
                _routes.Values.Where(r => connection.Scope.HasRoute(r.Id)).ToArray(),
                assets,
                _alerts,
                detections);
            _connections.Add(connection);
            connection.Start(snapshot);
        }
    }

    public void Remove(ConnectionFeed connection)
    {
        lock (_gate) _connections.Remove(connection);
    }

    public void Stop() => _stop.Cancel();

    /// <summary>Reads everything again at <paramref name="at"/>, besides the periodic refresh; a time passed is ignored.</summary>
    public void RefreshAt(DateTime at)
    {
        lock (_gate)
        {
            if (at <= DateTime.UtcNow || at >= _catchUpAt) return;
            _catchUpAt = at;
        }
        _wake.Set();
    }

    /// <summary>
    /// One silo batch's changes to this scenario, taken at once: changes that came together wake one round, so
    /// that detections or positions never take the round the counts beside them would have had.
    /// </summary>
    public void Changed(ScenarioChanges changes, DateTime since)
    {
        lock (_gate)
        {
            _dirty.UnionWith(changes.Sectors);
            _alertsDirty |= changes.Alerts;
            foreach (var move in changes.Moves) _moved[move.Asset] = move;
            _seen.AddRange(changes.Detections);
            // Several silos each send their round's newest: keep as many as one sends.
            Newest.Keep(_seen, _options.MaxDetectionsPerRound, d => d.Time);
            Since(since);
        }
        _wake.Set();
    }

    /// <summary>The oldest change waiting (for the live lag metric); a batch from an older silo carries none.</summary>
    private void Since(DateTime since)
    {
        if (since != default && (_since == default || since < _since)) _since = since;
    }

    private async Task RunAsync()
    {
        var everything = _catalogue.Sectors.Select(s => s.Id).Append(SectorCatalogue.Unassigned).ToArray();
        while (!_stop.IsCancellationRequested)
        {
            Dictionary<string, AssetMoved> moved = [];
            List<Detection> seen = [];
            try
            {
                HashSet<string> dirty;
                bool alerts;
                DateTime since;
                var now = DateTime.UtcNow;
                lock (_gate)
                {
                    (dirty, _dirty, moved, _moved) = (_dirty, new(StringComparer.Ordinal), _moved, new(StringComparer.Ordinal));
                    (seen, _seen) = (_seen, []);
                    (since, _since) = (_since, default);
                    (alerts, _alertsDirty) = (_alertsDirty, false);
                    if (now >= _refreshAt || now >= _catchUpAt)
                    {
                        dirty.UnionWith(everything);
                        alerts = true;
                        _refreshAt = now + _options.RefreshInterval;
                        if (now >= _catchUpAt) _catchUpAt = DateTime.MaxValue;
                    }
                }
                if (dirty.Count > 0 || moved.Count > 0 || seen.Count > 0 || alerts) await ReadAndOfferAsync(dirty, moved, seen, alerts, since);
                _loaded.TrySetResult();
                await Task.Delay(_options.SendInterval, _stop.Token);
                TimeSpan untilRefresh;
                lock (_gate) untilRefresh = (_refreshAt < _catchUpAt ? _refreshAt : _catchUpAt) - DateTime.UtcNow;
                await _wake.WaitAsync(untilRefresh > TimeSpan.Zero ? untilRefresh : TimeSpan.Zero, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not read live counters of scenario {Scenario}; trying again", _scenario);
                // Re-read every sector and the alerts; keep the positions not yet sent, unless newer came.
                lock (_gate)
                {
                    _refreshAt = DateTime.MinValue;
                    foreach (var (asset, move) in moved) _moved.TryAdd(asset, move);
                    _seen.AddRange(seen);
                }
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>One round; each read waits at most <see cref="LiveOptions.ReadTimeout"/> in all, so nothing read late is offered.</summary>
    private async Task ReadAndOfferAsync(HashSet<string> dirty, Dictionary<string, AssetMoved> moved, List<Detection> seen, bool alerts, DateTime since)
    {
        using var timeout = new CancellationTokenSource(_options.ReadTimeout);
        try
        {
            // Read the clock with the changes: the first records of a scenario move it by years.
            var clock = await _grains.GetGrain<IScenarioGrain>(_scenario).GetClockAsync().WaitAsync(timeout.Token);
            // All of a round is read first and offered at once: one wake of each connection's sending loop, so that
            // no part of the round takes a send (and the pause after it) that the counts would then wait behind.
            var detections = WithPatrolsAsync(seen, clock);
            var board = alerts ? await ReadAlertsAsync(clock, timeout.Token) : null;
            var (sectors, routes) = await ReadAsync(dirty, clock, timeout.Token);
            var round = new Round(clock, board, sectors, routes, [.. moved.Values.Select(m => Update(m, clock))], await detections.WaitAsync(timeout.Token));
            lock (_gate)
            {
                foreach (var connection in _connections) connection.Offer(round, since);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The cluster did not answer the live reads within {_options.ReadTimeout}");
        }
    }

    /// <summary>The board: alerts still active, and those resolved in the last 24 hours of the scenario clock.</summary>
    private async Task<AlertsUpdate?> ReadAlertsAsync(DateTimeOffset clock, CancellationToken timeout)
    {
        var book = _grains.GetGrain<IAlertsGrain>(_scenario);
        var all = await book.QueryAsync(new AlertQuery(null, null, null, null, Archived: false)).WaitAsync(timeout);
        var board = Board(all, clock);
        var update = new AlertsUpdate(_scenario, board, await book.GetImpactLevelsAsync().WaitAsync(timeout));
        lock (_gate)
        {
            // The periodic refresh reads them again: send only what changed.
            if (Signature(update) == Signature(_alerts)) return null;
            return _alerts = update;
        }
    }

    /// <summary>What a board shows at a clock reading: the alerts still active, and those resolved in the 24 hours before.</summary>
    internal static Alert[] Board(IEnumerable<Alert> alerts, DateTimeOffset clock) =>
        [.. alerts.Where(a => a.State != AlertState.Resolved || a.ResolvedAt > clock.AddDays(-1)).Take(100)];

    private static string Signature(AlertsUpdate alerts) =>
        string.Join(',', alerts.Alerts.Select(a => $"{a.Id}@{a.Version}")) + "|" + string.Join(',', alerts.ImpactLevels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>Reads the changed sectors and the other sectors of their routes at one clock reading, so route sums agree.</summary>
    private async Task<(CountsUpdate[] Sectors, CountsUpdate[] Routes)> ReadAsync(HashSet<string> changed, DateTimeOffset clock, CancellationToken timeout)
    {
        if (changed.Count == 0) return ([], []);
        var routes = changed.Select(_catalogue.RouteOf).OfType<string>().Distinct().Select(id => _catalogue.FindRoute(id)!).ToArray();
        var sectorIds = routes.SelectMany(r => r.SectorIds).Concat(changed).Distinct().ToArray();
        var counts = await Task.WhenAll(sectorIds.Select(id => _grains.GetGrain<ISectorGrain>(GrainKeys.For(_scenario, id)).GetLiveAsync(clock))).WaitAsync(timeout);
        var sectors = sectorIds.Zip(counts, (id, c) => new CountsUpdate(id, c.Counts, c.Hourly)).ToArray();
        var byId = sectors.ToDictionary(s => s.Id);
        var routeUpdates = routes.Select(r => Sum(r.Id, clock, r.SectorIds.Select(id => byId[id]))).ToArray();
        lock (_gate)
        {
            foreach (var s in sectors) _sectors[s.Id] = s;
            foreach (var r in routeUpdates) _routes[r.Id] = r;
        }
        return (sectors, routeUpdates);
    }

    private async Task<DetectionUpdate[]> WithPatrolsAsync(IReadOnlyCollection<Detection> detections, DateTimeOffset clock)
    {
        if (detections.Count == 0) return [];
        var patrols = await _coverage.PatrolsAsync(_scenario, clock);
        return [.. detections.Select(d => new DetectionUpdate(d, _coverage.Nearest(patrols, d.Lat, d.Lon, NearestPatrols)))];
    }

    /// <summary>A route's counts and hourly series: its sectors' summed.</summary>
    internal static CountsUpdate Sum(string id, DateTimeOffset clock, IEnumerable<CountsUpdate> parts)
    {
        var list = parts.ToList();
        var hourly = list[0].Hourly.Select((p, i) => new SeriesPoint(p.Start, list.Sum(s => s.Hourly[i].Detections), list.Sum(s => s.Hourly[i].Persons)));
        return new CountsUpdate(id, WindowCounts.Sum(clock, list.Select(s => s.Counts)), hourly.ToArray());
    }

    private async Task<AssetUpdate[]> ReadAssetsAsync(SubscriptionScope scope, DateTimeOffset clock)
    {
        // One call whatever the fleet: the most recently reporting assets first.
        var page = await _grains.GetGrain<IAssetIndexGrain>(_scenario).PageAsync(null, _options.MaxSnapshotAssets);
        return page.Assets
            .Where(s => scope.HasAsset(s.Sector, s.Latest))
            .Select(s => Update(s, clock))
            .ToArray();
    }

    private AssetUpdate Update(AssetMoved m, DateTimeOffset clock) =>
        new(m.Asset, m.Kind, m.Latest, m.Sector, _assets.IsStale(m.Latest, clock), m.Vessel);
}

/// <summary>What one batch from a silo changed in one scenario.</summary>
internal sealed class ScenarioChanges
{
    public List<string> Sectors { get; } = [];
    public bool Alerts { get; set; }
    public List<AssetMoved> Moves { get; } = [];
    public List<Detection> Detections { get; } = [];
}

/// <summary>What one round of a scenario's feed offers its connections: the alert board if it changed, and the rest that moved.</summary>
internal sealed record Round(DateTimeOffset Clock, AlertsUpdate? Alerts, CountsUpdate[] Sectors, CountsUpdate[] Routes, AssetUpdate[] Assets,
    DetectionUpdate[] Detections);

