using System.Text;
using BorderWatch.Contracts;
using BorderWatch.Tests.Infrastructure;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace BorderWatch.Tests.Storage;

/// <summary>
/// A journal shard under the interleavings a reentrant grain allows and the faults storage has, each made to happen
/// on purpose: a checkpoint inside a write, recoveries meeting a checkpoint, writes failing at random points.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JournalShardTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static Detection At(string id, int minute, string sector = "lampedusa") => new(id, T0.AddMinutes(minute), 35.5, 12.6, 2, "boat", sector, null);

    private (ISectorGrain Sector, IJournalShardGrain Shard, LogFaults Faults) Open(string scenario, string sector)
    {
        var shardKey = JournalShards.For(scenario, JournalShards.Detections, sector);
        return (fixture.Client.GetGrain<ISectorGrain>(GrainKeys.For(scenario, sector)),
            fixture.Client.GetGrain<IJournalShardGrain>(shardKey), fixture.Journals.Of(shardKey));
    }

    [Fact]
    public async Task A_checkpoint_while_a_write_is_held_between_its_blocks_starts_recovery_before_that_write()
    {
        var (sector, shard, faults) = Open(ClusterFixture.NewScenario(), "lampedusa");
        await sector.IngestAsync([At("warm", 0)]);
        await sector.SaveNowAsync(); // nothing unsaved: recovery would start at the end of the log

        var gate = new Gate();
        faults.HoldAppend = (faults.Appends + 2, gate);
        var ingest = sector.IngestAsync(Enumerable.Range(1, 400).Select(i => At($"big-{i}", i)).ToArray()); // ~45 KB: 16 KiB blocks
        var secondBlock = await gate.Reached.WaitAsync(Wait);
        var from = await shard.CheckpointNowAsync();
        gate.Open();
        Assert.All((await ingest).Value, v => Assert.Equal(Verdict.Accepted, v.Verdict));

        // Past the first block, a crash before the next checkpoint would lose its acknowledged records.
        Assert.True(from < secondBlock, $"recovery starts at {from}, inside the write (its second block went to {secondBlock})");
        Assert.True(await shard.CheckpointNowAsync() < secondBlock, "the written records are not yet in a saved state");
        Assert.Equal(401, (await sector.GetCountsAsync(T0)).AllTime.Detections);
    }

    [Fact]
    public async Task Two_recoveries_meeting_a_checkpoint_each_get_the_records_once()
    {
        var (sector, shard, faults) = Open(ClusterFixture.NewScenario(), "malta");
        await sector.IngestAsync([At("saved", 0, "malta")]);
        await sector.SaveNowAsync();
        var saved = await shard.CheckpointNowAsync();
        var ids = Enumerable.Range(1, 50).Select(i => $"after-{i}").ToArray();
        await sector.IngestAsync(ids.Select((id, i) => At(id, i + 1, "malta")).ToArray()); // in the log, not in a state

        var gate = new Gate();
        faults.HoldReads = (saved, gate);
        var first = shard.RecoverAsync("malta");
        var second = shard.RecoverAsync("malta");
        await gate.Reached.WaitAsync(Wait);
        await shard.CheckpointNowAsync(); // moves recovery on and lets go of the tail both are reading
        gate.Open();
        var answers = await Task.WhenAll(first, second).WaitAsync(Wait);
        faults.HoldReads = null;

        foreach (var answer in answers)
        {
            Assert.NotNull(answer.State);
            var lines = Encoding.UTF8.GetString(answer.Records).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(ids, lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        }
    }

    [Fact]
    public async Task Writes_failing_at_random_points_before_or_after_they_land_lose_nothing_acknowledged_and_count_nothing_twice()
    {
        const int seed = 20261201;
        var random = new Random(seed);
        var scenario = ClusterFixture.NewScenario();
        string[] sectors = ["lampedusa", "malta", "lesvos", "samos", "canary-islands", "evros"];
        var shards = sectors.Select(s => Open(scenario, s)).ToArray();
        var injected = 0;
        foreach (var (_, _, faults) in shards)
        {
            faults.Fault = (_, _) =>
            {
                lock (random)
                {
                    if (random.Next(8) != 0) return AppendFault.None;
                    injected++;
                    return random.Next(2) == 0 ? AppendFault.Before : AppendFault.After;
                }
            };
        }

        var sent = sectors.ToDictionary(s => s, _ => new HashSet<string>());
        var attempts = 0;
        for (var batch = 0; batch < 60; batch++)
        {
            var sector = sectors[batch % sectors.Length];
            var records = Enumerable.Range(0, 40 + batch * 7 % 200).Select(i => At($"b{batch}-{i}", batch * 300 + i, sector)).ToArray();
            if (batch % 5 == 4) records = [.. records, .. sent[sector].Take(10).Select(id => At(id, 0, sector))]; // retries of acknowledged ones
            for (var attempt = 1; ; attempt++)
            {
                attempts++;
                try
                {
                    await shards[batch % sectors.Length].Sector.IngestAsync(records);
                    break;
                }
                catch (Exception e) when (attempt < 30)
                {
                    if (attempt == 1) output.WriteLine($"batch {batch}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
            sent[sector].UnionWith(records.Select(r => r.Id));
        }
        foreach (var (_, _, faults) in shards) faults.Fault = null;
        output.WriteLine($"seed {seed}: {injected} appends failed, {attempts} attempts for 60 batches");
        Assert.InRange(injected, 5, 1000);

        // Every activation starts afresh from storage: what it counts is what was acknowledged, once.
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        foreach (var (sector, _, _) in shards.DistinctBy(s => s.Sector.GetPrimaryKeyString()))
        {
            var name = GrainKeys.Parse(sector.GetPrimaryKeyString()).Id;
            var counts = await sector.GetCountsAsync(T0);
            Assert.Equal((name, (long)sent[name].Count, 2L * sent[name].Count), (name, counts.AllTime.Detections, counts.AllTime.Persons));
        }
    }
}
