namespace BorderWatch.Server.Security;

/// <summary>Configuration section BorderWatch:Auth: who may call the server.</summary>
public sealed class AuthOptions
{
    public const string Section = "BorderWatch:Auth";

    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>Bearer tokens from an identity provider, instead of or beside API keys.</summary>
    public JwtOptions Jwt { get; set; } = new();
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

    public bool Enabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey);
}
