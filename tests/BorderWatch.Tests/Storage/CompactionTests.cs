using BorderWatch.Contracts;
using BorderWatch.Grains.Storage;
using BorderWatch.Tests.Infrastructure;
using Orleans.Runtime;

namespace BorderWatch.Tests.Storage;

/// <summary>
/// What keeps a shard's storage bounded over months: superseded saved states reclaimed, record segments deleted
/// once past their retention. Against Azurite, with the test cluster's small segments (states 32 KiB, records
/// 256 KiB) and positions kept for six seconds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CompactionTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);

    private static Position At(string asset, int second) =>
        new(asset, T0.AddSeconds(second), 35.5 + second % 100 * 0.001, 12.6, 12, 90, "vessel");

    /// <summary>Assets whose records and states go to one shard, and that shard.</summary>
    private static (string Shard, string[] Assets) OneShard(string scenario, int count)
    {
        var shard = JournalShards.For(scenario, JournalShards.Assets, "patrol-0");
        return (shard, Enumerable.Range(0, 16 * count + 1000).Select(i => $"patrol-{i}")
            .Where(a => JournalShards.For(scenario, JournalShards.Assets, a) == shard).Take(count).ToArray());
    }

    private FleetAsset Asset(string scenario, string id) => FleetAsset.Of(fixture.Client, scenario, id);

    [Fact]
    public async Task Superseded_states_are_reclaimed_and_every_asset_comes_back_with_its_latest_state()
    {
        var scenario = ClusterFixture.NewScenario();
        var (shardKey, assets) = OneShard(scenario, 12);
        var states = fixture.Journals.Open(JournalStore.StatePrefix(shardKey));
        const int rounds = 40;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var asset in assets)
            {
                await Asset(scenario, asset).ReportAsync([At(asset, round)]);
                await Asset(scenario, asset).SaveNowAsync();
            }
        }
        var written = (await states.SegmentsAsync()).Sum(s => s.Length);

        var compaction = await fixture.Client.GetGrain<IJournalShardGrain>(shardKey).MaintainNowAsync();

        var kept = await states.SegmentsAsync();
        Assert.True(kept[0].Segment > 0, $"the first state segments are deleted: {string.Join(", ", kept.Select(s => s.Segment))} ({compaction})");
        Assert.True(kept.Sum(s => s.Length) < 3 * 32 * 1024,
            $"{kept.Sum(s => s.Length):N0} state bytes kept in {kept.Count} segments of the {written:N0} written (segments close at 32 KiB)");

        // Shard and assets start afresh from storage: each state is where the checkpoint says it moved.
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        foreach (var asset in assets)
        {
            var status = await Asset(scenario, asset).GetStatusAsync();
            Assert.Equal((asset, T0.AddSeconds(rounds - 1), (long)rounds), (asset, status!.Latest.Time, (await Asset(scenario, asset).GetSpanAsync()).Records));
        }
    }

    [Fact]
    public async Task Segments_of_states_still_current_are_not_rewritten_and_are_reclaimed_once_superseded()
    {
        var scenario = ClusterFixture.NewScenario();
        var (shardKey, assets) = OneShard(scenario, 240);
        var states = fixture.Journals.Open(JournalStore.StatePrefix(shardKey));
        var shard = fixture.Client.GetGrain<IJournalShardGrain>(shardKey);
        async Task SaveAllAsync(int second)
        {
            // A few at a time: saves that meet in one write land in one segment, however large.
            foreach (var few in assets.Chunk(20))
                await Task.WhenAll(few.Select(async a =>
                {
                    await Asset(scenario, a).ReportAsync(Enumerable.Range(0, 5).Select(s => At(a, second * 10 + s)).ToArray());
                    await Asset(scenario, a).SaveNowAsync();
                }));
        }

        await SaveAllAsync(0);
        var saved = await states.SegmentsAsync();
        Assert.True(saved.Count >= 2, $"{assets.Length} states fill {saved.Count} segments of 32 KiB");
        // Every state is current: compacting would copy them all, at every pass, for nothing.
        var first = await shard.MaintainNowAsync();
        var second = await shard.MaintainNowAsync();
        Assert.Equal(saved.Sum(s => s.Length), (await states.SegmentsAsync()).Sum(s => s.Length));
        Assert.Contains("less than half current", second);

        await SaveAllAsync(1);
        var compaction = await shard.MaintainNowAsync();
        var kept = await states.SegmentsAsync();
        Assert.True(kept[0].Segment >= saved[^1].Segment, $"the segments of the superseded states are deleted ({first}; {compaction})");
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        foreach (var asset in assets.Take(20))
            Assert.Equal(T0.AddSeconds(14), (await Asset(scenario, asset).GetStatusAsync())!.Latest.Time);
    }

    [Fact]
    public async Task Record_segments_past_their_retention_are_deleted_but_not_the_open_one_and_no_count_changes()
    {
        var scenario = ClusterFixture.NewScenario();
        var (shardKey, assets) = OneShard(scenario, 1);
        var asset = Asset(scenario, assets[0]);
        var log = fixture.Journals.Open(JournalStore.ShardPrefix(shardKey));
        for (var batch = 0; batch < 20; batch++)
            await asset.ReportAsync(Enumerable.Range(batch * 300, 300).Select(s => At(assets[0], s)).ToArray());
        await asset.SaveNowAsync();
        var written = await log.SegmentsAsync();
        Assert.True(written.Count >= 3, $"6,000 positions fill {written.Count} segments of 256 KiB");

        var shard = fixture.Client.GetGrain<IJournalShardGrain>(shardKey);
        await Eventually.HoldsAsync(async () =>
        {
            await shard.MaintainNowAsync();
            return (await log.SegmentsAsync()).Count == 1;
        }, $"all but the open segment pass their retention of {ClusterFixture.PositionRetention}");
        var kept = Assert.Single(await log.SegmentsAsync());
        Assert.Equal(written[^1].Segment, kept.Segment);
        Assert.True(DateTimeOffset.UtcNow - written[^2].LastWritten >= ClusterFixture.PositionRetention, "no segment goes before its time");

        // The archive now starts at the open segment; what the asset counts is its state's, and stays.
        var archived = 0;
        await foreach (var line in ShardLog.ReadLinesAsync(log)) if (line.Span[0] == (byte)'{') archived++;
        Assert.InRange(archived, 1, 5999);
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(6000, (await asset.GetSpanAsync()).Records);
        Assert.Equal(T0.AddSeconds(5999), (await asset.GetStatusAsync())!.Latest.Time);
    }
}
