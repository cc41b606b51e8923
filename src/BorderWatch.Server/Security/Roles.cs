namespace BorderWatch.Server.Security;

/// <summary>
/// What a caller may do. Feeders only send records; viewers read and subscribe (a wall screen, an analyst's
/// read-only seat); operators also act on alerts and impact levels; admins do all of that and manage scenarios and keys.
/// </summary>
public static class Roles
{
    public const string Feeder = "feeder";
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly string[] All = [Feeder, Viewer, Operator, Admin];

    /// <summary>Policy names.</summary>
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Act = "act";
    public const string Manage = "manage";

    /// <summary>The claim (repeated) that limits a caller to some scenarios.</summary>
    public const string ScenarioClaim = "borderwatch:scenario";
}
