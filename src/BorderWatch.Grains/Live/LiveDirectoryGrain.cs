using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace BorderWatch.Grains.Live;

/// <summary>
/// The front ends that want live changes (key 0). Kept in memory only: front ends renew their entry every
/// <see cref="LiveOptions.RenewInterval"/>, so after a restart the directory fills again by itself.
/// </summary>
public sealed class LiveDirectoryGrain(IOptions<LiveOptions> options, ILogger<LiveDirectoryGrain> logger) : Grain, ILiveDirectoryGrain
{
    private readonly ObserverManager<ILiveObserver> _observers = new(options.Value.RenewInterval * 3, logger);

    public Task<bool> SubscribeAsync(ILiveObserver observer)
    {
        _observers.ClearExpired();
        var listed = _observers.Observers.ContainsKey(observer);
        _observers.Subscribe(observer, observer);
        return Task.FromResult(!listed);
    }

    public Task UnsubscribeAsync(ILiveObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<ILiveObserver[]> GetObserversAsync()
    {
        _observers.ClearExpired();
        return Task.FromResult(_observers.Observers.Values.ToArray());
    }
}
