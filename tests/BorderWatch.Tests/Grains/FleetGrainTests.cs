using BorderWatch.Contracts;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class FleetGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);

    private static Position At(int minute, double lat, double lon) => new("IT-CP-301", T0.AddMinutes(minute), lat, lon, 14, 200, "vessel");

    [Fact]
    public async Task The_latest_position_sector_and_transitions_follow_event_time()
    {
        var asset = FleetAsset.Of(fixture.Client, ClusterFixture.NewScenario(), "IT-CP-301");
        // Arrives out of order: open sea, then into Lampedusa's sector, and an older point last.
        await asset.ReportAsync([At(0, 36.0, 13.5), At(20, 35.5, 12.6)]);
        await asset.ReportAsync([At(10, 35.8, 13.0)]);

        var status = await asset.GetStatusAsync();
        Assert.NotNull(status);
        Assert.Equal((T0.AddMinutes(20), "lampedusa", "vessel"), (status.Latest.Time, status.Sector, status.Kind));
        Assert.Equal([(null, "central-med-area"), ("central-med-area", "lampedusa")], status.Transitions.Select(t => (t.From, t.To)));
        Assert.Equal([0, 10, 20], (await asset.GetTrackAsync(T0, T0.AddHours(1))).Select(p => (int)(p.Time - T0).TotalMinutes));
    }

    [Fact]
    public async Task The_track_is_bounded_and_a_repeated_position_counts_once()
    {
        var asset = FleetAsset.Of(fixture.Client, ClusterFixture.NewScenario(), "IT-CP-301");
        var positions = Enumerable.Range(0, 8).Select(i => At(i, 36.0, 13.5)).ToArray();
        await asset.ReportAsync(positions);

        Assert.Equal(Enumerable.Repeat(Verdict.Duplicate, 3), await asset.ReportAsync(positions[5..]));
        Assert.Equal([Verdict.TooLate], await asset.ReportAsync([positions[0]]));
        var track = await asset.GetTrackAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal([3, 4, 5, 6, 7], track.Select(p => (int)(p.Time - T0).TotalMinutes)); // TrackPoints = 5 in this cluster
    }
}
