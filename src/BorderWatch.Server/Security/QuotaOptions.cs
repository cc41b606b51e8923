using System.ComponentModel.DataAnnotations;

namespace BorderWatch.Server.Security;

/// <summary>Configuration section BorderWatch:Quotas: how much a scenario may hold, so no feeder can fill the cluster.</summary>
public sealed class QuotaOptions
{
    public const string Section = "BorderWatch:Quotas";

    /// <summary>Scenarios the cluster keeps (live included).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "BorderWatch:Quotas:Scenarios must be at least 1")]
    public int Scenarios { get; set; } = 1_000;

    /// <summary>Assets one scenario holds; positions of further assets are refused line by line.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "BorderWatch:Quotas:Assets must be at least 1")]
    public int Assets { get; set; } = 100_000;

    /// <summary>Assets one request may bring that the scenario has not seen; the rest of its new assets are refused line by line.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "BorderWatch:Quotas:NewAssetsPerRequest must be at least 1")]
    public int NewAssetsPerRequest { get; set; } = 5_000;
}
