using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Storage;

namespace BorderWatch.Server.Archive;

/// <summary>
/// The scenarios that exist are the ones with a journal: the journal container's top-level folders. Counts come
/// from the grains themselves, so a summary agrees with every other answer of the API as of its summarizedAt.
/// </summary>
public sealed class ScenarioDirectory(JournalStore journals, IGrainFactory grains, TimeProvider time, ILogger<ScenarioDirectory> logger)
{
    /// <summary>A listing shows a stored summary up to this old; an older one is made anew in the background.</summary>
    public static readonly TimeSpan SummaryMaxAge = TimeSpan.FromMinutes(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _refreshing = new(StringComparer.Ordinal);

    /// <summary>
    /// Every scenario's stored summary: one grain call a scenario, whatever it holds. Counting a scenario wakes each
    /// of its sectors and assets, so a listing does that only for a scenario never counted, and at most once a
    /// minute a scenario in the background.
    /// </summary>
    public async Task<List<ScenarioSummary>> ListAsync(Func<string, bool> include)
    {
        var names = await journals.ChildrenAsync(null);
        var summaries = await Task.WhenAll(names.Where(n => Scenarios.ValidName().IsMatch(n) && include(n)).Select(StoredSummaryAsync));
        return [.. summaries.OfType<ScenarioSummary>().OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private async Task<ScenarioSummary?> StoredSummaryAsync(string name)
    {
        if (await grains.GetGrain<IScenarioGrain>(name).GetSummaryAsync() is not { } stored) return await SummarizeAsync(name);
        if (time.GetUtcNow() - stored.SummarizedAt > SummaryMaxAge && _refreshing.TryAdd(name, 0))
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await SummarizeAsync(name);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not summarize scenario {Scenario}", name);
                }
                finally
                {
                    _refreshing.TryRemove(name, out _);
                }
            });
        }
        return stored;
    }

    /// <summary>Whether the scenario holds anything: one listing call, no grain woken.</summary>
    public async Task<bool> ExistsAsync(string name) => (await journals.ChildrenAsync(name)).Count > 0;

    /// <summary>The scenario's summary counted now (and stored for listings), or null when it holds nothing.</summary>
    public async Task<ScenarioSummary?> SummarizeAsync(string name)
    {
        var (sectors, assets) = await MembersAsync(name);
        if (sectors.Length == 0 && assets.Length == 0) return null;
        var detections = (await Task.WhenAll(sectors.Select(s => grains.GetGrain<ISectorGrain>(GrainKeys.For(name, s)).GetSpanAsync())))
            .Aggregate(RecordSpan.Empty, (a, b) => a + b);
        var positions = (await Task.WhenAll(assets.Select(a => grains.GetGrain<IAssetGrain>(GrainKeys.For(name, a)).GetSpanAsync())))
            .Aggregate(RecordSpan.Empty, (a, b) => a + b);
        var all = detections + positions;
        var scenario = grains.GetGrain<IScenarioGrain>(name);
        var summary = new ScenarioSummary(name, detections.Records, detections.Persons, positions.Records, sectors.Length, assets.Length, all.First, all.Last,
            await scenario.GetClockAsync(), await StorageAsync(name), time.GetUtcNow());
        await scenario.StoreSummaryAsync(summary);
        return summary;
    }

    private async Task<ScenarioStorage> StorageAsync(string name)
    {
        var logs = JournalStore.LogsOf(name);
        var (detections, positions, states) = (journals.UsageAsync($"{logs}/{JournalShards.Detections}-"), journals.UsageAsync($"{logs}/{JournalShards.Assets}-"),
            journals.UsageAsync(JournalStore.StatesOf(name) + "/"));
        var usage = await Task.WhenAll((await ShardsWithLogsAsync(name)).Where(s => GrainKeys.Parse(s).Id.StartsWith(JournalShards.Detections, StringComparison.Ordinal))
            .Select(shard => grains.GetGrain<IJournalShardGrain>(shard).GetUsageAsync()));
        var ((detectionBytes, detectionsSince), (positionBytes, positionsSince), (stateBytes, _)) = (await detections, await positions, await states);
        var archive = detectionBytes + positionBytes;
        return new ScenarioStorage(archive + stateBytes, archive, stateBytes, detectionsSince, positionsSince, usage.Sum(u => u.Ids), usage.Sum(u => u.IdBytes));
    }

    /// <summary>
    /// Makes every sector and asset forget its state, deletes the shards' logs, then the scenario's own state and
    /// whatever journal is left. Feeding a scenario while it is deleted is not supported: stop its feeds first.
    /// </summary>
    public async Task<bool> DeleteAsync(string name)
    {
        var (sectors, assets) = await MembersAsync(name);
        if (sectors.Length == 0 && assets.Length == 0) return false;
        await Task.WhenAll(sectors.Select(s => grains.GetGrain<ISectorGrain>(GrainKeys.For(name, s)).DeleteAsync()));
        foreach (var chunk in assets.Chunk(256))
            await Task.WhenAll(chunk.Select(a => grains.GetGrain<IAssetGrain>(GrainKeys.For(name, a)).DeleteAsync()));
        await Task.WhenAll(JournalShards.All(name, JournalShards.Detections).Concat(JournalShards.All(name, JournalShards.Assets))
            .Select(shard => grains.GetGrain<IJournalShardGrain>(shard).DeleteAsync()));
        await grains.GetGrain<IScenarioGrain>(name).DeleteAsync();
        await grains.GetGrain<IAlertsGrain>(name).DeleteAsync();
        await grains.GetGrain<IAssetIndexGrain>(name).ClearAsync();
        await journals.DeleteAllAsync(name);
        return true;
    }

    /// <summary>The scenario's sectors and assets: the members of the shards that have a log.</summary>
    private async Task<(string[] Sectors, string[] Assets)> MembersAsync(string name)
    {
        var shards = await ShardsWithLogsAsync(name);
        async Task<string[]> Of(string kind) =>
            (await Task.WhenAll(JournalShards.All(name, kind).Where(shards.Contains)
                .Select(shard => grains.GetGrain<IJournalShardGrain>(shard).MembersAsync()))).SelectMany(m => m).ToArray();
        return (await Of(JournalShards.Detections), await Of(JournalShards.Assets));
    }

    /// <summary>The scenario's shards that have written a log: only those are woken.</summary>
    private async Task<HashSet<string>> ShardsWithLogsAsync(string name)
    {
        var logs = (await journals.ChildrenAsync(JournalStore.LogsOf(name))).ToHashSet();
        return [.. JournalShards.All(name, JournalShards.Detections).Concat(JournalShards.All(name, JournalShards.Assets))
            .Where(shard => logs.Contains(GrainKeys.Parse(shard).Id))];
    }
}
