using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BorderWatch.Contracts;
using BorderWatch.Grains;
using BorderWatch.Grains.Storage;
using BorderWatch.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace BorderWatch.Tests.Storage;

/// <summary>
/// Storage written before saved states had a log of their own: states were lines of the record log, and the
/// checkpoint (layout 0) pointed there. A shard that finds such a checkpoint moves the states over on activation.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UpgradeTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions RecordJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static Position At(string asset, int second) => new(asset, T0.AddSeconds(second), 35.5 + second * 0.001, 12.6, 12, 90, "vessel");

    [Fact]
    public async Task A_shard_in_the_old_layout_moves_its_states_to_the_state_log_and_its_members_lose_nothing()
    {
        var scenario = ClusterFixture.NewScenario();
        const string member = "patrol-legacy";
        var shardKey = JournalShards.For(scenario, JournalShards.Assets, member);
        var asset = FleetAsset.Of(fixture.Client, scenario, member);
        await asset.ReportAsync(Enumerable.Range(0, 10).Select(s => At(member, s)).ToArray());
        await asset.SaveNowAsync();
        var shard = fixture.Client.GetGrain<IJournalShardGrain>(shardKey);
        await DeactivateAllAsync(asset.Fleet, shard);

        // Rewrite what the new layout wrote as the old one had it: the saved state as a line of the record log, then
        // records the state does not hold, a checkpoint of layout 0 pointing into the record log, no state log.
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.GrainState);
        var shardId = fixture.Client.GetGrain<IJournalShardGrain>(shardKey).GetGrainId();
        var checkpoint = new GrainState<ShardCheckpoint>();
        await storage.ReadStateAsync("shard", shardId, checkpoint);
        var saved = checkpoint.State!.Members[member];
        var stateLog = fixture.Journals.Open(JournalStore.StatePrefix(shardKey));
        var state = Convert.FromBase64String(Encoding.ASCII.GetString(await stateLog.ReadAsync(saved.At, saved.Length)));
        await stateLog.DeleteAsync();

        var recordLog = await ShardLog.OpenAtEndAsync(fixture.Journals.Open(JournalStore.ShardPrefix(shardKey)), checkpoint.State.From, long.MaxValue);
        var escaped = ShardLines.Escape(member);
        var stateLine = new byte[ShardLines.Size(escaped, state.Length, isState: true)];
        var (stateLineLength, base64At, base64Length) = ShardLines.Write(stateLine, escaped, state, isState: true);
        var later = Encoding.ASCII.GetBytes($"@m {escaped}\n")
            .Concat(Enumerable.Range(10, 5).SelectMany(s => JsonSerializer.SerializeToUtf8Bytes(At(member, s), RecordJson).Append((byte)'\n')))
            .ToArray();
        var stateLineAt = await recordLog.AppendAsync(stateLine.AsMemory(0, stateLineLength));
        var laterAt = await recordLog.AppendAsync(later);
        var legacyState = new StateLocation(stateLineAt.Plus(base64At), base64Length);
        checkpoint.State = new ShardCheckpoint { From = laterAt, Members = new() { [member] = legacyState }, Layout = 0 };
        await storage.WriteStateAsync("shard", shardId, checkpoint);

        // The asset wakes its shard, which moves the state; the asset has its state and the records after it.
        Assert.Equal((15L, T0.AddSeconds(14)), ((await asset.GetSpanAsync()).Records, (await asset.GetStatusAsync())!.Latest.Time));
        await storage.ReadStateAsync("shard", shardId, checkpoint);
        Assert.Equal(ShardCheckpoint.SeparateStates, checkpoint.State.Layout);
        var copies = new List<byte[]>();
        await foreach (var line in ShardLog.ReadLinesAsync(stateLog))
            if (ShardLines.Read(line.Span, out var named, out var base64) == ShardLines.Kind.State && named == member)
                copies.Add(Convert.FromBase64String(Encoding.ASCII.GetString(line.Span[base64])));
        Assert.Contains(copies, c => c.AsSpan().SequenceEqual(state));

        // From the new layout on, a restart reads it as any other.
        await DeactivateAllAsync(asset.Fleet, shard);
        Assert.Equal((15L, T0.AddSeconds(14)), ((await asset.GetSpanAsync()).Records, (await asset.GetStatusAsync())!.Latest.Time));
        await asset.ReportAsync([At(member, 15)]);
        Assert.Equal(16L, (await asset.GetSpanAsync()).Records);
    }

    /// <summary>Collects every idle activation, and waits until the given grains are gone: a busy one goes a moment later.</summary>
    private async Task DeactivateAllAsync(params IAddressable[] gone)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            foreach (var grain in gone)
                if ((await management.GetActiveGrains(grain.GetGrainId().Type)).Contains(grain.GetGrainId())) return false;
            return true;
        }, "the grains were deactivated", 30);
    }
}
