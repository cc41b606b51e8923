using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Server.Apis;
using BorderWatch.Server.Archive;
using BorderWatch.Server.Security;
using Microsoft.AspNetCore.SignalR;

namespace BorderWatch.Server.Live;

/// <summary>The dashboards' hub at /hubs/live: subscribe to a scenario (optionally routes, sectors or a box) and listen, or play its past.</summary>
public sealed class LiveHub(LiveFeeds feeds, Playbacks playbacks, SectorCatalogue catalogue, IOptions<LimitOptions> limitOptions, KeyedConnections keyed,
    ScenarioDirectory scenarios) : Hub<IDashboardClient>
{
    // Pause and step are plays too: twice a second at most, per connection.
    private const int PlaysPerMinute = 120;

    private LimitOptions Limits => limitOptions.Value;

    public const string Path = "/hubs/live";

    // Subscription and play times per connection, to bound how often one dashboard makes the server read a picture.
    private static readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> Recent = new();
    private static readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> RecentPlays = new();

    /// <summary>Starts (or replaces) this connection's subscription; a <c>Snapshot</c> message follows, then changes.</summary>
    public async Task Subscribe(Subscription subscription)
    {
        if ((subscription.Routes?.Length ?? 0) + (subscription.Sectors?.Length ?? 0) > Limits.MaxSubscriptionItems)
            throw new HubException($"sectors: a subscription names at most {Limits.MaxSubscriptionItems} routes and sectors together.");
        var scope = SubscriptionScope.Create(subscription, catalogue);
        if (!Context.User!.MayUse(scope.Scenario)) throw new HubException($"scenario: this key may not use scenario '{scope.Scenario}'.");
        Throttle(Recent, Limits.SubscriptionsPerMinute, "subscribe", "subscriptions");
        if (await scenarios.FindAsync(scope.Scenario) is null) throw new HubException($"scenario: there is no scenario '{scope.Scenario}'.");
        playbacks.Stop(Context.ConnectionId);
        await feeds.SubscribeAsync(Context.ConnectionId, scope);
    }

    /// <summary>
    /// Plays the scenario's past to this connection from a moment, at <c>speed</c> times real time (0: paused there,
    /// one <c>Picture</c>; at most 3600); it ends the live feed of this connection. Subscribe returns it to live.
    /// </summary>
    public async Task Play(PlaybackRequest request)
    {
        if (request.Speed is not (>= 0 and <= Playbacks.MaxSpeed)) throw new HubException($"speed: from 0 (paused) to {Playbacks.MaxSpeed} times real time.");
        if (ScenarioQuery.Validate(request.Scenario, out var name) is not null) throw new HubException($"scenario: '{request.Scenario}' is not a scenario name.");
        if (!Context.User!.MayUse(name)) throw new HubException($"scenario: this key may not use scenario '{name}'.");
        Throttle(RecentPlays, PlaysPerMinute, "play", "plays");
        if (await scenarios.FindAsync(name) is null) throw new HubException($"scenario: there is no scenario '{name}'.");
        feeds.Unsubscribe(Context.ConnectionId);
        playbacks.Play(Context.ConnectionId, name, request.At.ToUniversalTime(), request.Speed);
    }

    public void Unsubscribe()
    {
        feeds.Unsubscribe(Context.ConnectionId);
        playbacks.Stop(Context.ConnectionId);
    }

    private void Throttle(ConcurrentDictionary<string, Queue<DateTimeOffset>> times, int perMinute, string what, string plural)
    {
        var recent = times.GetOrAdd(Context.ConnectionId, _ => new Queue<DateTimeOffset>());
        lock (recent)
        {
            var now = DateTimeOffset.UtcNow;
            while (recent.Count > 0 && now - recent.Peek() > TimeSpan.FromMinutes(1)) recent.Dequeue();
            if (recent.Count >= perMinute) throw new HubException($"{what}: at most {perMinute} {plural} a minute per connection; wait and {what} again.");
            recent.Enqueue(now);
        }
    }

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
        playbacks.Stop(Context.ConnectionId);
        Recent.TryRemove(Context.ConnectionId, out _);
        RecentPlays.TryRemove(Context.ConnectionId, out _);
        return base.OnDisconnectedAsync(exception);
    }
}
