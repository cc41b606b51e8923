namespace BorderWatch.Geography;

/// <summary>EUROSUR impact levels of a border section (Regulation (EU) 2019/1896, Art. 34), lowest first.</summary>
public static class ImpactLevels
{
    public static readonly IReadOnlyList<string> Ordered = ["low", "medium", "high", "critical"];

    public static bool IsValid(string level) => Ordered.Contains(level);

    /// <summary>Higher is graver; -1 for an unknown level.</summary>
    public static int Rank(string level) => Ordered.IndexOf(level);

    private static int IndexOf(this IReadOnlyList<string> levels, string level)
    {
        for (var i = 0; i < levels.Count; i++) if (levels[i] == level) return i;
        return -1;
    }
}
