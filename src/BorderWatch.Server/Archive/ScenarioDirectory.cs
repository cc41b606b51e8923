using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Storage;
using BorderWatch.Server.Security;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Archive;

/// <summary>
/// The scenarios that exist are the registry's: made by POST /api/scenarios, live always. Counts come from the
/// grains themselves, so a summary agrees with every other answer of the API as of its summarizedAt.
/// </summary>
public sealed class ScenarioDirectory(JournalStore journals, IGrainFactory grains, TimeProvider time, IOptions<QuotaOptions> quotas, ILogger<ScenarioDirectory> logger)
{
    /// <summary>A listing shows a stored summary up to this old; an older one is made anew in the background.</summary>
    public static readonly TimeSpan SummaryMaxAge = TimeSpan.FromMinutes(1);

    /// <summary>How long this front end trusts its list of scenarios: one deleted through another front end is refused here within it.</summary>
    public static readonly TimeSpan KnownFor = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _refreshing = new(StringComparer.Ordinal);
    private readonly Lock _reading = new();
    private (IReadOnlyDictionary<string, ScenarioEntry> Entries, DateTimeOffset ReadAt) _known = (new Dictionary<string, ScenarioEntry>(), DateTimeOffset.MinValue);
    private Task<IReadOnlyDictionary<string, ScenarioEntry>>? _reads;

    private IScenarioRegistryGrain Registry => grains.GetGrain<IScenarioRegistryGrain>(IScenarioRegistryGrain.Key);

    /// <summary>
    /// The scenario, or null if there is none of that name: from this front end's list, read again every
    /// <see cref="KnownFor"/>; a name not on it is asked of the registry, in case another front end just made it.
    /// </summary>
    public async ValueTask<ScenarioEntry?> FindAsync(string name)
    {
        var known = _known;
        var entries = time.GetUtcNow() - known.ReadAt <= KnownFor ? known.Entries : await ReadKnownAsync();
        return entries.TryGetValue(name, out var entry) ? entry : await Registry.FindAsync(name);
    }

    /// <summary>One read of the registry at a time, whatever the number of requests waiting for it.</summary>
    private Task<IReadOnlyDictionary<string, ScenarioEntry>> ReadKnownAsync()
    {
        lock (_reading) return _reads ??= ReadAsync();

        async Task<IReadOnlyDictionary<string, ScenarioEntry>> ReadAsync()
        {
            try
            {
                var entries = (await Registry.ListAsync()).ToDictionary(e => e.Name, StringComparer.Ordinal);
                _known = (entries, time.GetUtcNow());
                return entries;
            }
            finally
            {
                lock (_reading) _reads = null;
            }
        }
    }

    private void Forget() => _known = (_known.Entries, DateTimeOffset.MinValue);

    /// <summary>Makes a scenario, unless one of that name exists or the cluster holds as many as <see cref="QuotaOptions.Scenarios"/>.</summary>
    public async Task<ScenarioCreation> CreateAsync(string name, string description, string? by)
    {
        var created = await Registry.CreateAsync(new ScenarioEntry(name, description, time.GetUtcNow(), by), quotas.Value.Scenarios);
        if (created == ScenarioCreation.Created) Forget();
        return created;
    }

    /// <summary>
    /// Every scenario the caller may see, with its stored summary: one grain call a scenario, whatever it holds.
    /// Counting a scenario wakes each of its sectors and assets, so a listing does that only for a scenario never
    /// counted, and at most once a minute a scenario in the background.
    /// </summary>
    public async Task<List<ScenarioSummary>> ListAsync(Func<string, bool> include)
    {
        var entries = await Registry.ListAsync();
        return [.. await Task.WhenAll(entries.Where(e => include(e.Name)).Select(StoredSummaryAsync))];
    }

    private async Task<ScenarioSummary> StoredSummaryAsync(ScenarioEntry entry)
    {
        var name = entry.Name;
        if (await grains.GetGrain<IScenarioGrain>(name).GetSummaryAsync() is not { } stored) return await SummarizeAsync(entry);
        if (time.GetUtcNow() - stored.SummarizedAt > SummaryMaxAge && _refreshing.TryAdd(name, 0))
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await SummarizeAsync(entry);
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
        return stored with { Description = entry.Description, CreatedAt = entry.CreatedAt };
    }

    /// <summary>The scenario's summary counted now (and stored for listings).</summary>
    public async Task<ScenarioSummary> SummarizeAsync(ScenarioEntry entry)
    {
        var name = entry.Name;
        var (sectors, assets) = await MembersAsync(name);
        var detections = (await Task.WhenAll(sectors.Select(s => grains.GetGrain<ISectorGrain>(GrainKeys.For(name, s)).GetSpanAsync())))
            .Aggregate(RecordSpan.Empty, (a, b) => a + b);
        var positions = (await Task.WhenAll(assets.GroupBy(a => JournalShards.For(name, JournalShards.Assets, a))
            .Select(fleet => grains.GetGrain<IFleetGrain>(fleet.Key).GetSpanAsync([.. fleet])))).Aggregate(RecordSpan.Empty, (a, b) => a + b);
        var all = detections + positions;
        var scenario = grains.GetGrain<IScenarioGrain>(name);
        var summary = new ScenarioSummary(name, detections.Records, detections.Persons, positions.Records, sectors.Length, assets.Length, all.First, all.Last,
            await scenario.GetClockAsync(), await StorageAsync(name), time.GetUtcNow(), entry.Description, entry.CreatedAt);
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
    /// whatever journal is left, and the scenario itself (live stays, empty). False if there is no such scenario.
    /// Feeding a scenario while it is deleted is not supported: stop its feeds first.
    /// </summary>
    public async Task<bool> DeleteAsync(string name)
    {
        if (await Registry.FindAsync(name) is null) return false;
        var (sectors, _) = await MembersAsync(name);
        await Task.WhenAll(sectors.Select(s => grains.GetGrain<ISectorGrain>(GrainKeys.For(name, s)).DeleteAsync()));
        await Task.WhenAll(JournalShards.All(name, JournalShards.Assets).Select(fleet => grains.GetGrain<IFleetGrain>(fleet).DeleteAsync()));
        await Task.WhenAll(JournalShards.All(name, JournalShards.Detections).Concat(JournalShards.All(name, JournalShards.Assets))
            .Select(shard => grains.GetGrain<IJournalShardGrain>(shard).DeleteAsync()));
        await grains.GetGrain<IScenarioGrain>(name).DeleteAsync();
        await grains.GetGrain<IAlertsGrain>(name).DeleteAsync();
        await grains.GetGrain<IAssetIndexGrain>(name).ClearAsync();
        await grains.GetGrain<IRecentDetectionsGrain>(name).ClearAsync();
        await journals.DeleteAllAsync(name);
        await Registry.RemoveAsync(name);
        Forget();
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
