using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Storage;

namespace BorderWatch.Server.Archive;

/// <summary>What a scenario holds, at a glance.</summary>
public sealed record ScenarioSummary(
    string Name, long Detections, long Persons, long Positions, int Sectors, int Assets,
    DateTimeOffset? FirstEvent, DateTimeOffset? LastEvent, DateTimeOffset Clock, ScenarioStorage Storage);

/// <summary>
/// What a scenario keeps in storage: its journal's bytes at rest, split into the record archive and saved states;
/// when the oldest detection and position the archive keeps were stored (retention counts from then); and the
/// detection ids it remembers for deduplication, with their memory.
/// </summary>
public sealed record ScenarioStorage(long Bytes, long ArchiveBytes, long StateBytes,
    DateTimeOffset? DetectionsStoredSince, DateTimeOffset? PositionsStoredSince, int IdsRemembered, long IdBytes);

/// <summary>
/// The scenarios that exist are the ones with a journal: the journal container's top-level folders. Counts come
/// from the grains themselves, so a listing agrees with every other answer of the API.
/// </summary>
public sealed class ScenarioDirectory(JournalStore journals, IGrainFactory grains)
{
    public async Task<List<ScenarioSummary>> ListAsync(Func<string, bool> include)
    {
        var names = await journals.ChildrenAsync(null);
        var summaries = await Task.WhenAll(names.Where(n => Scenarios.ValidName().IsMatch(n) && include(n)).Select(SummarizeAsync));
        return [.. summaries.OfType<ScenarioSummary>().OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Whether the scenario holds anything: one listing call, no grain woken.</summary>
    public async Task<bool> ExistsAsync(string name) => (await journals.ChildrenAsync(name)).Count > 0;

    /// <summary>The scenario's summary, or null when it holds nothing.</summary>
    public async Task<ScenarioSummary?> SummarizeAsync(string name)
    {
        var (sectors, assets) = await MembersAsync(name);
        if (sectors.Length == 0 && assets.Length == 0) return null;
        var detections = (await Task.WhenAll(sectors.Select(s => grains.GetGrain<ISectorGrain>(GrainKeys.For(name, s)).GetSpanAsync())))
            .Aggregate(RecordSpan.Empty, (a, b) => a + b);
        var positions = (await Task.WhenAll(assets.Select(a => grains.GetGrain<IAssetGrain>(GrainKeys.For(name, a)).GetSpanAsync())))
            .Aggregate(RecordSpan.Empty, (a, b) => a + b);
        var all = detections + positions;
        var clock = await grains.GetGrain<IScenarioGrain>(name).GetClockAsync();
        return new ScenarioSummary(name, detections.Records, detections.Persons, positions.Records, sectors.Length, assets.Length, all.First, all.Last, clock,
            await StorageAsync(name));
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
