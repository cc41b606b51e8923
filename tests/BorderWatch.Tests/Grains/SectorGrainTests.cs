using BorderWatch.Contracts;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class SectorGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);

    private ISectorGrain Sector(string scenario, string id) => fixture.Client.GetGrain<ISectorGrain>(GrainKeys.For(scenario, id));

    private static Detection At(string id, DateTimeOffset time, int persons, string sector = "lampedusa") =>
        new(id, time, 35.5, 12.6, persons, "boat", sector, null);

    [Fact]
    public async Task A_retried_batch_counts_once()
    {
        var sector = Sector(ClusterFixture.NewScenario(), "lampedusa");
        Detection[] batch = [At("a", T0, 40), At("b", T0.AddMinutes(3), 12)];

        Assert.Equal([Verdict.Accepted, Verdict.Accepted], (await sector.IngestAsync(batch)).Value.Select(j => j.Verdict));
        Assert.Equal([Verdict.Duplicate, Verdict.Duplicate], (await sector.IngestAsync(batch)).Value.Select(j => j.Verdict));

        var counts = await sector.GetCountsAsync(T0.AddMinutes(10));
        Assert.Equal(new Tally(2, 52), counts.AllTime);
        Assert.Equal(new Tally(2, 52), counts.LastHour);
    }

    [Fact]
    public async Task Out_of_order_events_land_in_their_event_time_buckets()
    {
        var sector = Sector(ClusterFixture.NewScenario(), "lampedusa");
        var detections = Enumerable.Range(0, 48).Select(i => At($"d{i}", T0.AddMinutes(30 * i), i + 1)).ToArray();
        foreach (var chunk in detections.OrderBy(d => d.Id.GetHashCode()).Chunk(7)) await sector.IngestAsync(chunk);

        var hours = await sector.GetSeriesAsync(BucketSize.Hour, T0, T0.AddHours(24));
        var expected = Enumerable.Range(0, 24).Select(h => (long)(2 * h + 1) + (2 * h + 2));
        Assert.Equal(expected, hours.Points.Select(p => p.Persons));
    }

    [Fact]
    public async Task A_detection_older_than_the_dedup_window_is_refused_not_counted()
    {
        var sector = Sector(ClusterFixture.NewScenario(), "malta");
        await sector.IngestAsync([At("new", T0, 5, "malta")]);
        Assert.Equal([Verdict.TooLate, Verdict.Accepted],
            (await sector.IngestAsync([At("ancient", T0.AddDays(-31), 9, "malta"), At("late", T0.AddDays(-29), 9, "malta")])).Value.Select(j => j.Verdict));
        Assert.Equal(new Tally(2, 14), (await sector.GetCountsAsync(T0)).AllTime);
    }

    [Fact]
    public async Task A_route_sums_its_sectors_and_scenarios_stay_apart()
    {
        var exercise = ClusterFixture.NewScenario();
        var live = ClusterFixture.NewScenario();
        await Sector(exercise, "lampedusa").IngestAsync([At("x1", T0, 30)]);
        await Sector(exercise, "malta").IngestAsync([At("x2", T0, 20, "malta")]);
        await Sector(exercise, "lesvos").IngestAsync([At("x3", T0, 50, "lesvos")]);
        await Sector(live, "lampedusa").IngestAsync([At("x1", T0, 7)]);

        var route = await fixture.Client.GetGrain<IRouteGrain>(GrainKeys.For(exercise, "central-med")).GetCountsAsync(T0);
        Assert.Equal(new Tally(2, 50), route.AllTime);
        var liveRoute = await fixture.Client.GetGrain<IRouteGrain>(GrainKeys.For(live, "central-med")).GetCountsAsync(T0);
        Assert.Equal(new Tally(1, 7), liveRoute.AllTime);

        var series = await fixture.Client.GetGrain<IRouteGrain>(GrainKeys.For(exercise, "central-med"))
            .GetSeriesAsync(BucketSize.Day, new DateTimeOffset(T0.Date, TimeSpan.Zero), new DateTimeOffset(T0.Date, TimeSpan.Zero).AddDays(2));
        Assert.Equal([50L, 0L], series.Points.Select(p => p.Persons));
    }

    [Fact]
    public async Task A_new_activation_rebuilds_the_same_counts_from_snapshot_and_journal()
    {
        var scenario = ClusterFixture.NewScenario();
        var sector = Sector(scenario, "pozzallo");
        await sector.IngestAsync([At("p1", T0, 10, "pozzallo"), At("p2", T0.AddHours(1), 20, "pozzallo")]);
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // let a snapshot (every second here) be written
        await sector.IngestAsync([At("p3", T0.AddHours(2), 30, "pozzallo")]); // in the journal only
        var before = await sector.GetSeriesAsync(BucketSize.Hour, T0, T0.AddHours(3));

        await fixture.Cluster.DeactivateAsync(sector);

        var after = await sector.GetSeriesAsync(BucketSize.Hour, T0, T0.AddHours(3));
        Assert.Equal([10L, 20L, 30L], after.Points.Select(p => p.Persons));
        Assert.Equal(before.Points, after.Points);
        Assert.Equal([Verdict.Duplicate], (await sector.IngestAsync([At("p3", T0.AddHours(2), 30, "pozzallo")])).Value.Select(j => j.Verdict));
    }

    [Fact]
    public async Task An_id_counts_once_in_its_scenario_whichever_sector_it_lands_in_also_after_a_restart()
    {
        var scenario = ClusterFixture.NewScenario();
        var lampedusa = Sector(scenario, "lampedusa");
        var malta = Sector(scenario, "malta");
        await lampedusa.IngestAsync([At("boat-7", T0, 40)]);

        // A corrected position puts the same detection in another sector: it is the same detection.
        var moved = (await malta.IngestAsync([At("boat-7", T0.AddMinutes(5), 40, "malta"), At("boat-8", T0, 3, "malta")])).Value;
        Assert.Equal([new Judged(Verdict.Duplicate, "lampedusa"), new Judged(Verdict.Accepted)], moved);

        // The scenario's memory of ids is rebuilt from the journal by a fresh activation of its shard.
        var shard = fixture.Client.GetGrain<IJournalShardGrain>(JournalShards.For(scenario, JournalShards.Detections, "malta"));
        await fixture.Cluster.DeactivateAsync(shard);
        Assert.Equal([new Judged(Verdict.Duplicate, "malta"), new Judged(Verdict.Duplicate, "lampedusa")],
            (await lampedusa.IngestAsync([At("boat-8", T0, 3), At("boat-7", T0, 40)])).Value);
        Assert.Equal((new Tally(1, 40), new Tally(1, 3)), ((await lampedusa.GetCountsAsync(T0)).AllTime, (await malta.GetCountsAsync(T0)).AllTime));

        // Another scenario remembers its own ids.
        Assert.Equal([new Judged(Verdict.Accepted)], (await Sector(ClusterFixture.NewScenario(), "malta").IngestAsync([At("boat-7", T0, 40, "malta")])).Value);
    }

    [Fact]
    public async Task A_long_history_is_saved_once_in_sealed_days_and_each_save_holds_only_the_open_window()
    {
        var scenario = ClusterFixture.NewScenario();
        var sector = Sector(scenario, "pozzallo");
        // 120 days, eight detections a day.
        var history = Enumerable.Range(0, 120 * 8).Select(i => At($"h{i}", T0.AddHours(3 * i), 1 + i % 5, "pozzallo")).ToArray();
        foreach (var chunk in history.Chunk(200)) await sector.IngestAsync(chunk);
        await sector.SaveNowAsync();
        var days = await sector.GetSeriesAsync(BucketSize.Day, T0.AddDays(-1), T0.AddDays(121));
        var hours = await sector.GetSeriesAsync(BucketSize.Hour, T0, T0.AddDays(120));

        var shard = fixture.Client.GetGrain<IJournalShardGrain>(JournalShards.For(scenario, JournalShards.Detections, "pozzallo"));
        var open = (await shard.RecoverAsync("pozzallo")).State!;
        var sealedPart = (await shard.RecoverAsync("pozzallo#sealed")).State!;
        Assert.True(open.Length < sealedPart.Length / 2, $"open {open.Length} bytes, sealed {sealedPart.Length}");

        // One more detection on the same day: the open part is saved again, the sealed part is not.
        await sector.IngestAsync([At("late-1", T0.AddDays(119).AddHours(23), 2, "pozzallo")]);
        await sector.SaveNowAsync();
        Assert.Equal(sealedPart, (await shard.RecoverAsync("pozzallo#sealed")).State);
        Assert.Equal(["pozzallo"], await shard.MembersAsync()); // the sealed part is not a sector

        await fixture.Cluster.DeactivateAsync(sector);
        Assert.Equal(days.Points.Select(p => p.Persons).Sum() + 2, (await sector.GetSeriesAsync(BucketSize.Day, T0.AddDays(-1), T0.AddDays(121))).Points.Sum(p => p.Persons));
        Assert.Equal(hours.Points.Take(24 * 100), (await sector.GetSeriesAsync(BucketSize.Hour, T0, T0.AddDays(120))).Points.Take(24 * 100));
        Assert.Equal(history.Length + 1, (await sector.GetCountsAsync(T0)).AllTime.Detections);
    }
}
