using BorderWatch.Contracts;
using BorderWatch.Grains.Live;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Live;

/// <summary>
/// This front end's observer in the cluster: it keeps itself listed in the live directory, where every silo
/// finds it, and hands what the silos send to <see cref="LiveFeeds"/>. Several silos and front ends work alike.
/// </summary>
public sealed class LiveRelay(IGrainFactory grains, LiveFeeds feeds, IOptions<LiveOptions> options, ILogger<LiveRelay> logger)
    : BackgroundService, ILiveObserver
{
    private ILiveObserver? _reference;

    public Task OnChangesAsync(LiveChanges changes)
    {
        feeds.OnChanges(changes);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reference = grains.CreateObjectReference<ILiveObserver>(this);
        var directory = grains.GetGrain<ILiveDirectoryGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.RenewInterval;
            try
            {
                var listed = await directory.SubscribeAsync(_reference).WaitAsync(options.Value.ReadTimeout, stoppingToken);
                // Newly listed (again): silos sent this front end nothing for a while. Once they know of it, read all.
                if (listed) feeds.CatchUp(LivePublisher.DirectoryMaxAge + options.Value.PublishInterval);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster may still be starting, or a silo just left: try again soon.
                logger.LogDebug(e, "Could not renew the live subscription");
                wait = TimeSpan.FromSeconds(1);
            }
            await Task.Delay(wait, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is null) return;
        try
        {
            await grains.GetGrain<ILiveDirectoryGrain>(0).UnsubscribeAsync(_reference).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            grains.DeleteObjectReference<ILiveObserver>(_reference);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Could not leave the live directory; the entry expires by itself");
        }
    }
}
