using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace BorderWatch.Server.Security;

/// <summary>Configuration section BorderWatch:Auth: who may call the server.</summary>
public sealed class AuthOptions
{
    public const string Section = "BorderWatch:Auth";

    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>
    /// A JSON configuration file read beside the others and re-read when it changes, for keys kept apart from the
    /// rest of the settings (a mounted secret): a revoked key is refused without a restart.
    /// </summary>
    public string? KeysFile { get; set; }

    /// <summary>Bearer tokens from an identity provider, instead of or beside API keys.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>What start-up refuses, each problem naming its setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (Keyring.Problem(Keys) is { } keys) yield return keys;
        foreach (var problem in Jwt.Problems()) yield return problem;
        if (Keys.Count == 0 && !Jwt.Enabled)
            yield return $"No credentials are configured: add {Section}:Keys (Name, Role, Hash) or {Section}:Jwt. " +
                "`dotnet run --project tools/BorderWatch.Cli -- key --name NAME --role operator` makes a key and its hash; in Development a key file is made by itself.";
    }
}

/// <summary>One API key: its holder, role, the SHA-256 of the key (or the key itself, for development), and its limits.</summary>
public sealed class ApiKeyEntry
{
    public string? Name { get; set; }
    public string? Role { get; set; }

    /// <summary>SHA-256 of the key, 64 hex digits: what production configuration holds.</summary>
    public string? Hash { get; set; }

    /// <summary>The key in plain text: development and tests only.</summary>
    public string? Key { get; set; }

    /// <summary>The scenarios this key may use; empty means all.</summary>
    public List<string> Scenarios { get; set; } = [];

    /// <summary>This key's own request rate, where it differs from BorderWatch:Limits.</summary>
    public double? RequestsPerSecond { get; set; }
}

public sealed class JwtOptions
{
    /// <summary>The identity provider (OpenID Connect discovery), e.g. https://login.microsoftonline.com/TENANT/v2.0.</summary>
    public string? Authority { get; set; }

    public string? Audience { get; set; }

    /// <summary>A shared HS256 secret, for providers that sign that way (no discovery).</summary>
    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    /// <summary>The claim carrying feeder / operator / admin.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim (repeated) naming the scenarios the token may use; none means all.</summary>
    public string ScenarioClaim { get; set; } = "scenarios";

    /// <summary>The signing algorithms accepted; empty means RS256 from an identity provider, HS256 with a SigningKey.</summary>
    public List<string> Algorithms { get; set; } = [];

    public bool Enabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey);

    private bool Shared => !string.IsNullOrEmpty(SigningKey);

    private static readonly string[] Asymmetric =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private static readonly string[] Symmetric = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];

    public IReadOnlyList<string> AcceptedAlgorithms =>
        Algorithms.Count > 0 ? Algorithms : [Shared ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.RsaSha256];

    /// <summary>Refuses settings under which tokens issued for someone else, or signed some other way, would be accepted.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enabled) yield break;
        const string at = AuthOptions.Section + ":Jwt";
        if (!string.IsNullOrEmpty(Authority) && Shared)
            yield return $"{at}: give Authority (an identity provider's keys) or SigningKey (a shared secret), not both.";
        if (string.IsNullOrEmpty(Audience))
            yield return $"{at}:Audience is not set: without it every token of the identity provider is accepted, " +
                "whichever application it was issued for. Set it to the audience (application id) the provider puts in BorderWatch's tokens.";
        if (Shared && string.IsNullOrEmpty(Issuer))
            yield return $"{at}:Issuer is not set: with a SigningKey it is what tells this provider's tokens from any other signed with the same secret.";
        if (Shared && Encoding.UTF8.GetByteCount(SigningKey!) < 32)
            yield return $"{at}:SigningKey is shorter than 32 bytes: HS256 needs a secret of at least 256 bits.";
        var possible = Shared ? Symmetric : Asymmetric;
        foreach (var algorithm in Algorithms.Where(a => !possible.Contains(a)))
            yield return $"{at}:Algorithms: '{algorithm}' is not one of {string.Join(", ", possible)} " +
                $"(the algorithms for {(Shared ? "a SigningKey" : "an Authority")}).";
    }
}
