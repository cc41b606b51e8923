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

    [Fact]
    public async Task An_idle_asset_leaves_memory_and_comes_back_from_the_journal_with_nothing_lost_or_counted_twice()
    {
        var scenario = ClusterFixture.NewScenario();
        var asset = FleetAsset.Of(fixture.Client, scenario, "IT-CP-301");
        var positions = new[] { At(0, 36.0, 13.5), At(20, 35.5, 12.6), At(10, 35.8, 13.0) };
        Assert.Equal([Verdict.Accepted, Verdict.Accepted], await asset.ReportAsync(positions[..2]));
        await asset.SaveNowAsync();                                   // a saved state...
        Assert.Equal([Verdict.Accepted], await asset.ReportAsync(positions[2..])); // ...and a record after it
        var status = await asset.GetStatusAsync();

        await Eventually.HoldsAsync(async () => await asset.Fleet.CountInMemoryAsync() == 0, $"the asset left memory after {ClusterFixture.IdleAfter.TotalSeconds} s idle");

        Assert.Equal([Verdict.Duplicate, Verdict.Duplicate, Verdict.Duplicate], await asset.ReportAsync(positions)); // a retry after the return counts once
        Assert.Equal(1, await asset.Fleet.CountInMemoryAsync());
        var back = await asset.GetStatusAsync();
        Assert.Equal((status!.Latest, status.Sector), (back!.Latest, back.Sector));
        Assert.Equal(status.Transitions, back.Transitions);
        Assert.Equal([0, 10, 20], (await asset.GetTrackAsync(T0, T0.AddHours(1))).Select(p => (int)(p.Time - T0).TotalMinutes));
        Assert.Equal(3L, (await asset.GetSpanAsync()).Records);
    }

    [Fact]
    public async Task Assets_that_return_together_read_their_saved_states_together_and_one_named_only_to_be_saved_leaves_again()
    {
        var scenario = ClusterFixture.NewScenario();
        // 300 vessels of one fleet, each with a track of two points and, once idle, a saved state.
        var shard = JournalShards.For(scenario, JournalShards.Assets, "v0");
        string[] ids = [.. Enumerable.Range(0, 3_000).Select(i => $"v{i}").Where(id => JournalShards.For(scenario, JournalShards.Assets, id) == shard).Take(300)];
        var fleet = Fleets.Of(fixture.Client, scenario, ids[0]);
        Position At(string id, int i, int minute) => new(id, T0.AddMinutes(minute), 36.0 + i * 0.001, 13.5 + minute * 0.001, 3, 90, "vessel");
        await fleet.ReportAsync([.. ids.Select((id, i) => new AssetReport(id, [At(id, i, 0), At(id, i, 1)], null))]);
        await Eventually.HoldsAsync(async () => await fleet.CountInMemoryAsync() == 0, "the fleet let its idle assets go");

        var states = fixture.Journals.StatesOf(shard);
        var readsBefore = states.Reads;
        var again = (await fleet.ReportAsync([.. ids.Select((id, i) => new AssetReport(id, [At(id, i, 0), At(id, i, 1), At(id, i, 2)], null))])).Value;
        Assert.All(again, verdicts => Assert.Equal([Verdict.Duplicate, Verdict.Duplicate, Verdict.Accepted], verdicts)); // nothing lost, nothing counted twice
        Assert.InRange(states.Reads - readsBefore, 1, 30); // states saved side by side come in one read, not one a state
        Assert.Equal(ids.Length, await fleet.CountInMemoryAsync());
        Assert.Equal(3L * ids.Length, (await fleet.GetSpanAsync(ids)).Records);

        // Saved and gone, then named by the shard (its list of the unsaved was made before the save): read back to
        // be saved, and let go again at once, not held for another idle period.
        await Eventually.HoldsAsync(async () => await fleet.CountInMemoryAsync() == 0, "the fleet let its idle assets go again");
        await fleet.SaveAsync(ids[..10]);
        Assert.Equal(0, await fleet.CountInMemoryAsync());
    }
}
