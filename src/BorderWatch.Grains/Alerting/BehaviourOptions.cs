namespace BorderWatch.Grains.Alerting;

/// <summary>Configuration section BorderWatch:Behaviour: what vessels do that operators want to hear of.</summary>
public sealed class BehaviourOptions
{
    public const string Section = "BorderWatch:Behaviour";

    public SectorEntryOptions SectorEntry { get; set; } = new();
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
