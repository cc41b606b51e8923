using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Live;

/// <summary>
/// One per silo. Grains note what changed (a dictionary write, no grain call); every
/// <see cref="LiveOptions.PublishInterval"/> the merged changes go one-way to every front end's observer.
/// A burst of any size thus costs each front end a few messages a second, and ingest never waits on them.
/// </summary>
public sealed class LivePublisher(IGrainFactory grains, IOptions<LiveOptions> options, ILogger<LivePublisher> logger) : BackgroundService
{
    private static readonly TimeSpan DirectoryMaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private HashSet<string> _sectors = new(StringComparer.Ordinal);
    private Dictionary<(string Scenario, string Asset), AssetMoved> _assets = [];
    private ILiveObserver[] _observers = [];
    private DateTime _observersRead;

    /// <summary>The counts of the sector with this grain key changed.</summary>
    public void SectorChanged(string sectorKey)
    {
        lock (_gate) _sectors.Add(sectorKey);
    }

    public void AssetMoved(AssetMoved move)
    {
        lock (_gate) _assets[(move.Scenario, move.Asset)] = move;
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
                // Live changes are a view, not the record: the next refresh on each front end makes up for a lost batch.
                logger.LogWarning(e, "Could not publish live changes");
            }
        }
    }

    private async Task PublishAsync()
    {
        LiveChanges changes;
        lock (_gate)
        {
            if (_sectors.Count == 0 && _assets.Count == 0) return;
            changes = new LiveChanges([.. _sectors], [.. _assets.Values]);
            _sectors = new(StringComparer.Ordinal);
            _assets = [];
        }
        foreach (var observer in await ObserversAsync())
        {
            _ = observer.OnChangesAsync(changes); // one-way: completes at once, whatever the front end does
        }
    }

    private async Task<ILiveObserver[]> ObserversAsync()
    {
        if (DateTime.UtcNow - _observersRead < DirectoryMaxAge) return _observers;
        _observers = await grains.GetGrain<ILiveDirectoryGrain>(0).GetObserversAsync();
        _observersRead = DateTime.UtcNow;
        return _observers;
    }
}
