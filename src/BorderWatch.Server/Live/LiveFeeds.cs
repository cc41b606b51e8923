using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains;
using BorderWatch.Grains.Live;
using BorderWatch.Server.Coverage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Live;

/// <summary>The dashboards connected to this front end, grouped by the scenario they watch.</summary>
public sealed class LiveFeeds(SectorCatalogue catalogue, IGrainFactory grains, IHubContext<LiveHub, IDashboardClient> hub,
    IOptions<LiveOptions> options, IOptions<AssetOptions> assets, PatrolCoverage coverage, ILogger<LiveFeeds> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ScenarioFeed> _scenarios = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ConnectionFeed Connection, ScenarioFeed Scenario)> _connections = new(StringComparer.Ordinal);
    private DateTime _catchUpAt;

    /// <summary>Replaces what the connection watches; it gets a snapshot of the new scope, then changes.</summary>
    public async Task SubscribeAsync(string connectionId, SubscriptionScope scope)
    {
        Unsubscribe(connectionId);
        var connection = new ConnectionFeed(connectionId, scope, hub, options.Value, logger);
        ScenarioFeed scenario;
        lock (_gate)
        {
            if (!_scenarios.TryGetValue(scope.Scenario, out scenario!))
            {
                scenario = new ScenarioFeed(scope.Scenario, catalogue, grains, options.Value, assets.Value, coverage, logger);
                scenario.RefreshAt(_catchUpAt);
                _scenarios.Add(scope.Scenario, scenario);
            }
            _connections[connectionId] = (connection, scenario);
        }
        await scenario.AddAsync(connection);
        lock (_gate)
        {
            // The connection may have gone while its snapshot was read.
            if (_connections.TryGetValue(connectionId, out var entry) && entry.Connection == connection) return;
        }
        connection.Stop();
        scenario.Remove(connection);
    }

    public void Unsubscribe(string connectionId)
    {
        lock (_gate)
        {
            if (!_connections.Remove(connectionId, out var entry)) return;
            entry.Connection.Stop();
            entry.Scenario.Remove(entry.Connection);
            if (entry.Scenario.Count > 0 || _connections.Values.Any(c => c.Scenario == entry.Scenario)) return;
            entry.Scenario.Stop();
            _scenarios.Remove(entry.Connection.Scope.Scenario);
        }
    }

    /// <summary>
    /// Silos may have sent this front end nothing for a while (the live directory lost it): every scenario, and any
    /// started until then, reads everything again <paramref name="after"/> from now, when the silos send to it again.
    /// </summary>
    public void CatchUp(TimeSpan after)
    {
        lock (_gate)
        {
            _catchUpAt = DateTime.UtcNow + after;
            foreach (var scenario in _scenarios.Values) scenario.RefreshAt(_catchUpAt);
        }
    }

    /// <summary>Hands a batch from a silo to the scenarios watched here; the rest is dropped.</summary>
    public void OnChanges(LiveChanges changes)
    {
        Dictionary<string, ScenarioFeed> watched;
        lock (_gate) watched = new(_scenarios, StringComparer.Ordinal);
        if (watched.Count == 0) return;
        var parts = new Dictionary<string, ScenarioChanges>(StringComparer.Ordinal);
        ScenarioChanges? Part(string scenario)
        {
            if (!watched.ContainsKey(scenario)) return null;
            if (!parts.TryGetValue(scenario, out var part)) parts[scenario] = part = new ScenarioChanges();
            return part;
        }
        foreach (var key in changes.Sectors.Select(GrainKeys.Parse)) Part(key.Scenario)?.Sectors.Add(key.Id);
        foreach (var scenario in changes.AlertScenarios)
        {
            if (Part(scenario) is { } part) part.Alerts = true;
        }
        foreach (var move in changes.Assets) Part(move.Scenario)?.Moves.Add(move);
        foreach (var seen in changes.Detections ?? []) Part(seen.Scenario)?.Detections.AddRange(seen.Detections);
        foreach (var (scenario, part) in parts) watched[scenario].Changed(part, changes.FirstChange);
    }
}
