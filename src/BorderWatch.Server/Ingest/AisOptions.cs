using System.ComponentModel.DataAnnotations;

namespace BorderWatch.Server.Ingest;

/// <summary>Configuration section BorderWatch:Ais.</summary>
public sealed class AisOptions
{
    public const string Section = "BorderWatch:Ais";

    /// <summary>Our own vessels and aircraft: their positions come in as kind "patrol", everyone else's as "vessel".</summary>
    public List<OwnAsset> OwnFleet { get; set; } = [];

    /// <summary>How long the parts of a multi-part message wait for each other.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "BorderWatch:Ais:PartTimeout must be between 100 ms and an hour")]
    public TimeSpan PartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public string KindOf(uint mmsi) => OwnFleet.Any(a => a.Covers(mmsi)) ? "patrol" : "vessel";

    /// <summary>The display name of an own-fleet MMSI, which replaces the name it sends.</summary>
    public string? NameOf(uint mmsi) => OwnFleet.FirstOrDefault(a => a.Covers(mmsi))?.Name;
}

/// <summary>One MMSI ("244660274") or a range ("244000000-244999999"), with the name it goes by.</summary>
public sealed class OwnAsset
{
    public string Mmsi { get; set; } = "";
    public string? Name { get; set; }

    public bool Covers(uint mmsi)
    {
        var dash = Mmsi.IndexOf('-');
        return dash < 0
            ? uint.TryParse(Mmsi, out var one) && one == mmsi
            : uint.TryParse(Mmsi.AsSpan(0, dash), out var from) && uint.TryParse(Mmsi.AsSpan(dash + 1), out var to) && mmsi >= from && mmsi <= to;
    }
}
