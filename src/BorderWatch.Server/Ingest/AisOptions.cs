using System.ComponentModel.DataAnnotations;
using System.Net;
using BorderWatch.Contracts;

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

    /// <summary>Feeds to read: receivers and aggregators over TCP, or datagrams on a UDP port.</summary>
    public List<AisSourceOptions> Sources { get; set; } = [];

    /// <summary>Each source's settings it refuses, named.</summary>
    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < Sources.Count; i++)
        {
            var (source, at) = (Sources[i], $"{Section}:Sources:{i}");
            if ((source.Tcp is null) == (source.Udp is null)) yield return $"{at} needs one of Tcp (host:port) and Udp (port, or address:port)";
            else if (source.Tcp is { } tcp && AisSourceOptions.HostAndPort(tcp) is null) yield return $"{at}:Tcp is host:port, not '{tcp}'";
            else if (source.Udp is { } udp && AisSourceOptions.UdpEndpoint(udp) is null) yield return $"{at}:Udp is a port, or address:port, not '{udp}'";
            if (!Scenarios.ValidName().IsMatch(source.Scenario)) yield return $"{at}:Scenario '{source.Scenario}' is not a scenario name";
        }
    }

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

/// <summary>One feed: <see cref="Tcp"/> "host:port" to connect to, or <see cref="Udp"/> "port" (or "address:port") to listen on.</summary>
public sealed class AisSourceOptions
{
    public string? Name { get; set; }
    public string? Tcp { get; set; }
    public string? Udp { get; set; }
    public string Scenario { get; set; } = Scenarios.Live;

    public string Label => Name ?? (Tcp is not null ? $"tcp {Tcp}" : $"udp {Udp}");

    public static (string Host, int Port)? HostAndPort(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535
            ? (endpoint[..colon].Trim('[', ']'), port) : null;
    }

    public static IPEndPoint? UdpEndpoint(string endpoint)
    {
        if (int.TryParse(endpoint, out var port)) return port is > 0 and <= 65535 ? new IPEndPoint(IPAddress.Any, port) : null;
        return HostAndPort(endpoint) is var (host, p) && IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, p) : null;
    }
}
