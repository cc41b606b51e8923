using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Live;

/// <summary>
/// One per silo. Grains note what changed (a dictionary write, no grain call); every
/// <see cref="LiveOptions.PublishInterval"/> the merged changes go one-way to every front end's observer, to the
/// alert books, to the asset indexes and to the events layers.
/// A burst of any size thus costs each front end a few messages a second, and ingest never waits on them.
/// </summary>
public sealed class LivePublisher(IGrainFactory grains, IOptions<LiveOptions> options, ILogger<LivePublisher> logger) : BackgroundService
{
    /// <summary>A front end newly listed in the directory is sent changes at most this long after.</summary>
    public static readonly TimeSpan DirectoryMaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Dictionary<string, DateTimeOffset> _sectors = new(StringComparer.Ordinal);
    private Dictionary<(string Scenario, string Asset), AssetMoved> _assets = [];
    private HashSet<string> _alerts = new(StringComparer.Ordinal);
    private Dictionary<string, List<Detection>> _detections = new(StringComparer.Ordinal);
    private ILiveObserver[] _observers = [];
    private DateTime _firstChange;   // when the round's first change came (UTC); default when none waits
    private DateTime _observersRead;

    /// <summary>The counts of the sector with this grain key changed, from event time <paramref name="earliest"/> on.</summary>
    public void SectorChanged(string sectorKey, DateTimeOffset earliest)
    {
        lock (_gate)
        {
            if (!_sectors.TryGetValue(sectorKey, out var known) || earliest < known) _sectors[sectorKey] = earliest;
            Changed();
        }
    }

    /// <summary>A scenario's alerts or impact levels changed.</summary>
    public void AlertsChanged(string scenario)
    {
        lock (_gate)
        {
            _alerts.Add(scenario);
            Changed();
        }
    }

    public void AssetMoved(AssetMoved move)
    {
        lock (_gate)
        {
            _assets[(move.Scenario, move.Asset)] = move;
            Changed();
        }
    }

    /// <summary>Detections a sector accepted; a round keeps the newest <see cref="LiveOptions.MaxDetectionsPerRound"/> a scenario.</summary>
    public void DetectionsAccepted(string scenario, IEnumerable<Detection> detections)
    {
        var most = options.Value.MaxDetectionsPerRound;
        if (most == 0) return;
        lock (_gate)
        {
            if (!_detections.TryGetValue(scenario, out var list)) _detections[scenario] = list = [];
            list.AddRange(detections);
            // Trimmed only at twice the bound, so a flood costs a sort now and then, not one per batch.
            if (list.Count > 2 * most) Newest.Keep(list, most, d => d.Time);
            Changed();
        }
    }

    private void Changed()
    {
        if (_firstChange == default) _firstChange = DateTime.UtcNow;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PublishInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PublishAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The changes were not taken: the next round sends them, merged with newer ones.
                logger.LogWarning(e, "Could not publish live changes");
            }
        }
    }

    private async Task PublishAsync()
    {
        lock (_gate)
        {
            if (_sectors.Count == 0 && _assets.Count == 0 && _alerts.Count == 0 && _detections.Count == 0) return;
        }
        // Before the changes are taken: when the directory cannot be read (its silo just died), they wait for the next round.
        var observers = await ObserversAsync();
        LiveChanges changes;
        Dictionary<string, DateTimeOffset> sectors;
        lock (_gate)
        {
            sectors = _sectors;
            foreach (var list in _detections.Values) Newest.Keep(list, options.Value.MaxDetectionsPerRound, d => d.Time);
            changes = new LiveChanges([.. _sectors.Keys], [.. _assets.Values], [.. _alerts], _firstChange,
                [.. _detections.Select(d => new DetectionsSeen(d.Key, [.. d.Value]))]);
            _firstChange = default;
            _sectors = new(StringComparer.Ordinal);
            _assets = [];
            _alerts = new(StringComparer.Ordinal);
            _detections = new(StringComparer.Ordinal);
        }
        // The scenarios' alert books judge the changed counts: one-way, merged per scenario.
        foreach (var scenario in sectors.Select(s => (Key: GrainKeys.Parse(s.Key), Earliest: s.Value)).GroupBy(s => s.Key.Scenario))
        {
            _ = grains.GetGrain<IAlertsGrain>(scenario.Key).CountsChangedAsync([.. scenario.Select(s => s.Key.Id)], scenario.Min(s => s.Earliest));
        }
        // The scenarios' asset indexes take the newest positions: one-way too, one call a scenario.
        foreach (var scenario in changes.Assets.GroupBy(a => a.Scenario))
        {
            _ = grains.GetGrain<IAssetIndexGrain>(scenario.Key).MovedAsync([.. scenario]);
        }
        foreach (var seen in changes.Detections!)
        {
            _ = grains.GetGrain<IRecentDetectionsGrain>(seen.Scenario).AddAsync(seen.Detections);
        }
        foreach (var observer in observers)
        {
            _ = observer.OnChangesAsync(changes); // one-way: completes at once, whatever the front end does
        }
    }

    private async Task<ILiveObserver[]> ObserversAsync()
    {
        if (DateTime.UtcNow - _observersRead < DirectoryMaxAge) return _observers;
        _observers = await grains.GetGrain<ILiveDirectoryGrain>(0).GetObserversAsync().WaitAsync(options.Value.ReadTimeout);
        _observersRead = DateTime.UtcNow;
        return _observers;
    }
}
