namespace BorderWatch.Contracts;

/// <summary>Grain keys carry the scenario, so scenarios never share a grain.</summary>
public static class GrainKeys
{
    public static string For(string scenario, string id) => $"{scenario}/{id}";

    /// <summary>Splits at the first '/': scenario names never hold one, ids may.</summary>
    public static (string Scenario, string Id) Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0) throw new ArgumentException($"Grain key '{key}' is not of the form scenario/id.", nameof(key));
        return (key[..slash], key[(slash + 1)..]);
    }
}

/// <summary>Which journal shard holds a sector's or an asset's records.</summary>
public static class JournalShards
{
    /// <summary>
    /// One shard for all of a scenario's detections: it sees every id, so an id counts once in the scenario
    /// whichever sector it lands in, decided in the same place and write that makes it durable.
    /// </summary>
    public const string Detections = "detections";
    public const string Assets = "assets";

    // Fixed for good: a member's shard must never change, or its journal would be looked for in the wrong place.
    public static int CountOf(string kind) => kind == Detections ? 1 : 16;

    public static string For(string scenario, string kind, string member) => Key(scenario, kind, (int)(Fnv1a(member) % (uint)CountOf(kind)));

    public static IEnumerable<string> All(string scenario, string kind) => Enumerable.Range(0, CountOf(kind)).Select(n => Key(scenario, kind, n));

    private static string Key(string scenario, string kind, int n) => GrainKeys.For(scenario, $"{kind}-{n:D2}");

    /// <summary>A hash that is the same in every process and every version (string.GetHashCode is not).</summary>
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
