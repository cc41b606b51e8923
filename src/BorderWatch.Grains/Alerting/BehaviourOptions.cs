namespace BorderWatch.Grains.Alerting;

/// <summary>Configuration section BorderWatch:Behaviour: what vessels do that operators want to hear of.</summary>
public sealed class BehaviourOptions
{
    public const string Section = "BorderWatch:Behaviour";

    public SectorEntryOptions SectorEntry { get; set; } = new();

    public DarkOptions Dark { get; set; } = new();

    public LoiteringOptions Loitering { get; set; } = new();

    public EncounterOptions Encounter { get; set; } = new();

    /// <summary>AIS navigational status 1 (at anchor) or 5 (moored): lying where ships lie, not loitering or meeting.</summary>
    public static bool Anchored(int? status) => status is 1 or 5;
}

/// <summary>
/// Encounter: two assets of <see cref="Kinds"/> within <see cref="DistanceM"/> of each other for <see cref="For"/>,
/// both reporting under 2 kn and neither at anchor or moored, more than <see cref="OffshoreKm"/> from any coast: how
/// people are moved from a mother ship. Pairs are found in cells of <see cref="CellDegrees"/>: a report goes to its cell and to the neighbours it is
/// within <see cref="DistanceM"/> of, never against every vessel.
/// </summary>
public sealed class EncounterOptions
{
    public bool Enabled { get; set; } = true;
    public List<string> Kinds { get; set; } = ["vessel"];
    public double DistanceM { get; set; } = 500;
    public TimeSpan For { get; set; } = TimeSpan.FromMinutes(30);
    public double OffshoreKm { get; set; } = 10;
    public double CellDegrees { get; set; } = 0.05;
    /// <summary>Two reports this close in time are taken as at the same moment.</summary>
    public TimeSpan Together { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// How much of each asset's history (behind its own newest report, one report a minute) a cell keeps: a report
    /// that reaches the cell later than this behind the other's is not matched. Covers a replay's batches of hours.
    /// </summary>
    public TimeSpan Memory { get; set; } = TimeSpan.FromHours(6);

    public bool Watches(string? kind) => Enabled && kind is not null && Kinds.Contains(kind);

    /// <summary>The cell a point lies in, and the neighbours it is within the distance of (a point near a corner: three).</summary>
    public IEnumerable<(string Cell, bool Home)> CellsOf(double lat, double lon)
    {
        var (row, column) = ((int)Math.Floor(lat / CellDegrees), (int)Math.Floor(lon / CellDegrees));
        var dLat = DistanceM / 111_000.0;
        var dLon = DistanceM / (111_000.0 * Math.Max(0.05, Math.Cos(lat * Math.PI / 180)));
        for (var r = -1; r <= 1; r++)
            for (var c = -1; c <= 1; c++)
            {
                var (south, west) = ((row + r) * CellDegrees, (column + c) * CellDegrees);
                var near = lat + dLat >= south && lat - dLat < south + CellDegrees && lon + dLon >= west && lon - dLon < west + CellDegrees;
                if (near) yield return ($"{row + r}:{column + c}", r == 0 && c == 0);
            }
    }
}

/// <summary>
/// Loitering: an asset of <see cref="Kinds"/> that reports under 2 kn (its AIS speed, or the speed its positions
/// imply when it sends none) for <see cref="For"/>, averaging under 2 kn between them, more than
/// <see cref="OffshoreKm"/> from any coast (Natural Earth's 1:50m land), and not saying it is at anchor or moored:
/// not a port call, not an anchorage.
/// </summary>
public sealed class LoiteringOptions
{
    public const double SlowKnots = 2;

    public bool Enabled { get; set; } = true;
    public List<string> Kinds { get; set; } = ["vessel"];
    public TimeSpan For { get; set; } = TimeSpan.FromHours(2);
    public double OffshoreKm { get; set; } = 10;

    public bool Watches(string? kind) => Enabled && kind is not null && Kinds.Contains(kind);
}

/// <summary>
/// "Went dark": an asset of <see cref="Kinds"/> under way (not moored, at anchor or below 1 kn) last seen inside a
/// sector or within <see cref="RangeKm"/> of one reports nothing for <see cref="After"/> of event time. When it
/// reports again the alert resolves with where, how far and how fast; faster than <see cref="SpoofKnots"/> is a
/// suspected spoof. The asset index looks for the silent every <see cref="CheckEvery"/>.
/// </summary>
public sealed class DarkOptions
{
    public bool Enabled { get; set; } = true;
    public List<string> Kinds { get; set; } = ["vessel"];
    public TimeSpan After { get; set; } = TimeSpan.FromHours(1);
    public double RangeKm { get; set; } = 50;
    public double SpoofKnots { get; set; } = 40;
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(30);

    public bool Watches(string? kind) => Enabled && kind is not null && Kinds.Contains(kind);

    /// <summary>Under way: not moored or at anchor by its AIS status, and not reporting less than 1 kn.</summary>
    public static bool UnderWay(double? speedKn, int? status) => !BehaviourOptions.Anchored(status) && speedKn is null or >= 1;
}

/// <summary>
/// Which assets entering a sector alert: those of <see cref="Kinds"/>, or with a ship type of <see cref="ShipTypes"/>
/// (AIS codes), entering a sector whose impact level, at that moment, is <see cref="MinImpact"/> or above. The
/// default: fishing vessels, sailing and pleasure craft (the boats smugglers use, and a mother ship's cover) into
/// a high or critical sector; merchant traffic and the own fleet do not alert.
/// </summary>
public sealed class SectorEntryOptions
{
    public bool Enabled { get; set; } = true;
    public List<string> Kinds { get; set; } = [];
    public List<int> ShipTypes { get; set; } = [30, 36, 37];
    public string MinImpact { get; set; } = "high";

    public bool Watches(string? kind, int? shipType) =>
        Enabled && (kind is not null && Kinds.Contains(kind) || shipType is { } t && ShipTypes.Contains(t));
}
