namespace BorderWatch.Ais;

public enum AisClass : byte
{
    A,
    B,
}

/// <summary>
/// A position report: types 1-3 (class A), 18 and 19 (class B), 27 (long range). Null where the report says
/// "not available" (longitude 181, latitude 91, speed 102.3 kn, course 360, heading 511, second 60-63, rate of turn -128).
/// </summary>
public readonly record struct PositionReport(
    int Type, uint Mmsi, AisClass Class, int? Status, int? RateOfTurn, double? SpeedKn, bool Accurate,
    double? Lon, double? Lat, double? CourseDeg, int? Heading, int? Second);

/// <summary>A base station's report (type 4): its position and its UTC clock.</summary>
public readonly record struct BaseStationReport(uint Mmsi, DateTimeOffset? Time, bool Accurate, double? Lon, double? Lat);

/// <summary>When a vessel expects to arrive, as it sends it: no year, each part possibly unknown.</summary>
public sealed record Eta(int? Month, int? Day, int? Hour, int? Minute);

/// <summary>
/// Static and voyage data: type 5 (class A), 19 (class B, with its position), 24 part A (name) or part B (the rest).
/// Dimensions are metres from the position reference to bow, stern, port and starboard.
/// </summary>
public sealed record StaticReport(int Type, uint Mmsi, AisClass Class)
{
    public int? Part { get; init; }
    public string? Name { get; init; }
    public string? CallSign { get; init; }
    public uint? Imo { get; init; }
    public int? ShipType { get; init; }
    public string? ShipTypeText => ShipTypes.Text(ShipType);
    public int? ToBow { get; init; }
    public int? ToStern { get; init; }
    public int? ToPort { get; init; }
    public int? ToStarboard { get; init; }
    public double? DraughtM { get; init; }
    public string? Destination { get; init; }
    public Eta? Eta { get; init; }
}

/// <summary>Ship and cargo type codes (ITU-R M.1371-5, table 53) as words.</summary>
public static class ShipTypes
{
    public static string? Text(int? code) => code switch
    {
        null => null,
        >= 20 and <= 29 => "wing in ground",
        30 => "fishing",
        31 or 32 => "towing",
        33 => "dredging or underwater operations",
        34 => "diving operations",
        35 => "military operations",
        36 => "sailing",
        37 => "pleasure craft",
        >= 40 and <= 49 => "high speed craft",
        50 => "pilot vessel",
        51 => "search and rescue vessel",
        52 => "tug",
        53 => "port tender",
        54 => "anti-pollution equipment",
        55 => "law enforcement",
        58 => "medical transport",
        59 => "noncombatant ship",
        >= 60 and <= 69 => "passenger",
        >= 70 and <= 79 => "cargo",
        >= 80 and <= 89 => "tanker",
        >= 90 and <= 99 => "other type",
        _ => "reserved",
    };
}

/// <summary>Navigational status codes of class A position reports (ITU-R M.1371-5, message 1) as words; 15 is "not defined".</summary>
public static class NavigationStatus
{
    public static string? Text(int? code) => code switch
    {
        0 => "under way using engine",
        1 => "at anchor",
        2 => "not under command",
        3 => "restricted manoeuvrability",
        4 => "constrained by her draught",
        5 => "moored",
        6 => "aground",
        7 => "engaged in fishing",
        8 => "under way sailing",
        14 => "AIS-SART active",
        null or 15 => null,
        _ => "reserved",
    };
}
