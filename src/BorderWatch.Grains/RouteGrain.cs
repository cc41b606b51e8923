using BorderWatch.Geography;

namespace BorderWatch.Grains;

/// <summary>A route's counters are the sum of its sectors', read from them: nothing to keep in step.</summary>
public sealed class RouteGrain(SectorCatalogue catalogue) : Grain, IRouteGrain
{
    public async Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf) =>
        WindowCounts.Sum(asOf, await Task.WhenAll(Sectors().Select(s => s.GetCountsAsync(asOf))));

    public async Task<WindowCounts> GetCountsAtAsync(DateTimeOffset moment) =>
        WindowCounts.Sum(moment, await Task.WhenAll(Sectors().Select(s => s.GetCountsAtAsync(moment))));

    public async Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to)
    {
        var parts = await Task.WhenAll(Sectors().Select(s => s.GetSeriesAsync(bucket, from, to)));
        var points = parts[0].Points
            .Select((p, i) => new SeriesPoint(p.Start, parts.Sum(s => s.Points[i].Detections), parts.Sum(s => s.Points[i].Persons)))
            .ToArray();
        return new Series(bucket, from, to, parts.Max(p => p.RetainedFrom), points);
    }

    private IEnumerable<ISectorGrain> Sectors()
    {
        var (scenario, routeId) = GrainKeys.Parse(this.GetPrimaryKeyString());
        var route = catalogue.FindRoute(routeId) ?? throw new ArgumentException($"Unknown route '{routeId}'.");
        return route.SectorIds.Select(id => GrainFactory.GetGrain<ISectorGrain>(GrainKeys.For(scenario, id)));
    }
}
