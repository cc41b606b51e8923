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
