using System.Collections.Concurrent;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// The silo's references to journal shards, one per shard rather than one per grain: a scenario's sectors share its
/// detections shard, and each reference would cost every grain about 100 bytes.
/// </summary>
public sealed class ShardReferences(IGrainFactory grains)
{
    // The shards of some 500 scenarios; past that it starts afresh rather than keep deleted scenarios' shards for good.
    private const int Limit = 10_000;

    private readonly ConcurrentDictionary<string, IJournalShardGrain> _shards = new(StringComparer.Ordinal);

    public IJournalShardGrain For(string scenario, string kind, string member)
    {
        var key = JournalShards.For(scenario, kind, member);
        if (_shards.TryGetValue(key, out var shard)) return shard;
        if (_shards.Count >= Limit) _shards.Clear();
        return _shards.GetOrAdd(key, grains.GetGrain<IJournalShardGrain>(key));
    }
}
