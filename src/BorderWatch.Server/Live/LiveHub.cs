using BorderWatch.Contracts;
using BorderWatch.Geography;
using Microsoft.AspNetCore.SignalR;

namespace BorderWatch.Server.Live;

/// <summary>The dashboards' hub at /hubs/live: subscribe to a scenario (optionally routes, sectors or a box), then listen.</summary>
public sealed class LiveHub(LiveFeeds feeds, SectorCatalogue catalogue) : Hub<IDashboardClient>
{
    public const string Path = "/hubs/live";

    /// <summary>Starts (or replaces) this connection's subscription; a <c>Snapshot</c> message follows, then changes.</summary>
    public Task Subscribe(Subscription subscription) =>
        feeds.SubscribeAsync(Context.ConnectionId, SubscriptionScope.Create(subscription, catalogue));

    public void Unsubscribe() => feeds.Unsubscribe(Context.ConnectionId);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        feeds.Unsubscribe(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
