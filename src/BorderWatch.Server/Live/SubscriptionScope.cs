using BorderWatch.Contracts;
using BorderWatch.Geography;
using Microsoft.AspNetCore.SignalR;
using NetTopologySuite.Geometries;

namespace BorderWatch.Server.Live;

/// <summary>
/// The sectors, routes and assets one dashboard receives, worked out once when it subscribes.
/// Null sets mean everything in the scenario.
/// </summary>
public sealed class SubscriptionScope
{
    private readonly HashSet<string>? _sectors;
    private readonly HashSet<string>? _routes;
    private readonly Envelope? _box;

    private SubscriptionScope(string scenario, HashSet<string>? sectors, HashSet<string>? routes, Envelope? box)
    {
        Scenario = scenario;
        _sectors = sectors;
        _routes = routes;
        _box = box;
    }

    public string Scenario { get; }

    public bool HasSector(string sector) => _sectors is null || _sectors.Contains(sector);
    public bool HasRoute(string route) => _routes is null || _routes.Contains(route);

    /// <summary>The alerts of the routes and sectors watched, and their sectors' impact levels.</summary>
    public AlertsUpdate Filter(AlertsUpdate alerts) => _sectors is null ? alerts : alerts with
    {
        Alerts = [.. alerts.Alerts.Where(a => a.Target == "route" ? HasRoute(a.TargetId) : HasSector(a.TargetId))],
        ImpactLevels = alerts.ImpactLevels.Where(l => HasSector(l.Key)).ToDictionary(),
    };

    public bool HasAsset(string? sector, TrackPoint at) => HasPlace(sector, at.Lat, at.Lon);

    public bool HasDetection(Detection d) => HasPlace(d.Sector, d.Lat, d.Lon);

    private bool HasPlace(string? sector, double lat, double lon) =>
        _sectors is null || (sector is not null && _sectors.Contains(sector)) || (_box?.Contains(lon, lat) ?? false);

    /// <summary>Checks the subscription against the catalogue; a mistake is a <see cref="HubException"/> that names the field.</summary>
    public static SubscriptionScope Create(Subscription subscription, SectorCatalogue catalogue)
    {
        if (subscription.Scenario is null || !Scenarios.ValidName().IsMatch(subscription.Scenario))
            throw new HubException("scenario: a scenario name is 1-63 lower-case letters, digits and hyphens.");
        if (subscription.Routes is not { Length: > 0 } && subscription.Sectors is not { Length: > 0 } && subscription.Bbox is null)
            return new SubscriptionScope(subscription.Scenario, null, null, null);

        var sectors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in subscription.Routes ?? [])
        {
            var route = catalogue.FindRoute(id) ?? throw new HubException($"routes: there is no route '{id}'.");
            sectors.UnionWith(route.SectorIds);
        }
        foreach (var id in subscription.Sectors ?? [])
        {
            if (id != SectorCatalogue.Unassigned && catalogue.FindSector(id) is null) throw new HubException($"sectors: there is no sector '{id}'.");
            sectors.Add(id);
        }
        var box = subscription.Bbox is null ? null : Box(subscription.Bbox);
        if (box is not null)
        {
            sectors.UnionWith(catalogue.Sectors.Where(s => s.Geometry.EnvelopeInternal.Intersects(box)).Select(s => s.Id));
        }
        var routes = new HashSet<string>(subscription.Routes ?? [], StringComparer.Ordinal);
        routes.UnionWith(sectors.Select(catalogue.RouteOf).OfType<string>());
        return new SubscriptionScope(subscription.Scenario, sectors, routes, box);
    }

    private static Envelope Box(double[] bbox)
    {
        if (bbox.Length != 4 || bbox.Any(v => !double.IsFinite(v)))
            throw new HubException("bbox: four numbers are needed: west, south, east, north in degrees.");
        var (west, south, east, north) = (bbox[0], bbox[1], bbox[2], bbox[3]);
        if (west < -180 || east > 180 || west >= east) throw new HubException("bbox: west and east must lie in -180..180 with west < east.");
        if (south < -90 || north > 90 || south >= north) throw new HubException("bbox: south and north must lie in -90..90 with south < north.");
        return new Envelope(west, east, south, north);
    }
}
