using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Server.Archive;
using BorderWatch.Server.Security;
using Microsoft.AspNetCore.SignalR;

namespace BorderWatch.Server.Live;

/// <summary>The dashboards' hub at /hubs/live: subscribe to a scenario (optionally routes, sectors or a box), then listen.</summary>
public sealed class LiveHub(LiveFeeds feeds, SectorCatalogue catalogue, IOptions<LimitOptions> limitOptions, KeyedConnections keyed, ScenarioDirectory scenarios) : Hub<IDashboardClient>
{
    private LimitOptions Limits => limitOptions.Value;

    public const string Path = "/hubs/live";

    // Subscription times per connection, to bound how often one dashboard makes the server read a snapshot.
    private static readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> Recent = new();

    /// <summary>Starts (or replaces) this connection's subscription; a <c>Snapshot</c> message follows, then changes.</summary>
    public async Task Subscribe(Subscription subscription)
    {
        if ((subscription.Routes?.Length ?? 0) + (subscription.Sectors?.Length ?? 0) > Limits.MaxSubscriptionItems)
            throw new HubException($"sectors: a subscription names at most {Limits.MaxSubscriptionItems} routes and sectors together.");
        var scope = SubscriptionScope.Create(subscription, catalogue);
        if (!Context.User!.MayUse(scope.Scenario)) throw new HubException($"scenario: this key may not use scenario '{scope.Scenario}'.");
        var recent = Recent.GetOrAdd(Context.ConnectionId, _ => new Queue<DateTimeOffset>());
        lock (recent)
        {
            var now = DateTimeOffset.UtcNow;
            while (recent.Count > 0 && now - recent.Peek() > TimeSpan.FromMinutes(1)) recent.Dequeue();
            if (recent.Count >= Limits.SubscriptionsPerMinute)
                throw new HubException($"subscribe: at most {Limits.SubscriptionsPerMinute} subscriptions a minute per connection; wait and subscribe again.");
            recent.Enqueue(now);
        }
        if (await scenarios.FindAsync(scope.Scenario) is null) throw new HubException($"scenario: there is no scenario '{scope.Scenario}'.");
        await feeds.SubscribeAsync(Context.ConnectionId, scope);
    }

    public void Unsubscribe() => feeds.Unsubscribe(Context.ConnectionId);

    public override Task OnConnectedAsync()
    {
        keyed.Opened(Context);
        Grains.BorderWatchMetrics.Dashboards.Add(1);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        keyed.Closed(Context.ConnectionId);
        Grains.BorderWatchMetrics.Dashboards.Add(-1);
        feeds.Unsubscribe(Context.ConnectionId);
        Recent.TryRemove(Context.ConnectionId, out _);
        return base.OnDisconnectedAsync(exception);
    }
}
