using BorderWatch.Contracts;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>One asset as a test talks to it: through its fleet, as ingest does.</summary>
public sealed record FleetAsset(IFleetGrain Fleet, string Id)
{
    public static FleetAsset Of(IGrainFactory grains, string scenario, string id) => new(Fleets.Of(grains, scenario, id), id);

    public async Task<Verdict[]> ReportAsync(Position[] positions, Vessel? vessel = null) => (await Fleet.ReportAsync([new AssetReport(Id, positions, vessel)])).Value[0];

    public Task SaveNowAsync() => Fleet.SaveAsync([Id]);

    public Task<AssetStatus?> GetStatusAsync() => Fleet.GetStatusAsync(Id);

    public Task<TrackPoint[]> GetTrackAsync(DateTimeOffset from, DateTimeOffset to) => Fleet.GetTrackAsync(Id, from, to);

    public Task<RecordSpan> GetSpanAsync() => Fleet.GetSpanAsync([Id]);
}
