using System.Text.RegularExpressions;

namespace BorderWatch.Contracts;

public static partial class Scenarios
{
    public const string Live = "live";

    /// <summary>Lower-case letters, digits and hyphens: safe in grain keys and blob names alike.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex ValidName();
}
