using System.Security.Cryptography;
using System.Text;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>The API keys every test server is configured with, one per role and a few with limits.</summary>
public static class TestKeys
{
    public const string Admin = "test-admin-key-4f1c9a2e";
    public const string Operator = "test-operator-key-b83d07c1";
    public const string Feeder = "test-feeder-key-5e92a6f0";
    public const string Viewer = "test-viewer-key-9a7d2c31";

    /// <summary>A feeder allowed one request every two seconds.</summary>
    public const string Slow = "test-slow-feeder-key-0a7d3b";

    /// <summary>An operator who may only use scenarios <see cref="ScopedScenario"/> and its ingest twin.</summary>
    public const string Scoped = "test-scoped-operator-key-c4e1";
    public const string ScopedScenario = "exercise-scoped";

    /// <summary>Server settings: the admin key given as a hash (as production does), the others in plain text.</summary>
    public static Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>();
        void Add(int i, string name, string role, string key, bool hashed = false)
        {
            settings[$"BorderWatch:Auth:Keys:{i}:Name"] = name;
            settings[$"BorderWatch:Auth:Keys:{i}:Role"] = role;
            settings[$"BorderWatch:Auth:Keys:{i}:" + (hashed ? "Hash" : "Key")] =
                hashed ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) : key;
            // Tests run in parallel against one server: only the slow key is limited.
            settings[$"BorderWatch:Auth:Keys:{i}:RequestsPerSecond"] = name == "slow-feeder" ? "0.5" : "100000";
        }
        Add(0, "test-admin", "admin", Admin, hashed: true);
        Add(1, "duty-officer", "operator", Operator);
        Add(2, "sensor-feed", "feeder", Feeder);
        Add(3, "slow-feeder", "feeder", Slow);
        Add(4, "exercise-lead", "operator", Scoped);
        settings["BorderWatch:Auth:Keys:4:Scenarios:0"] = ScopedScenario;
        Add(5, "wall-screen", "viewer", Viewer);
        // Bearer tokens beside the keys, signed as an identity provider with a shared secret would sign them.
        settings["BorderWatch:Auth:Jwt:SigningKey"] = JwtSigningKey;
        settings["BorderWatch:Auth:Jwt:Issuer"] = JwtIssuer;
        settings["BorderWatch:Auth:Jwt:Audience"] = "borderwatch";
        return settings;
    }

    public const string JwtSigningKey = "test-signing-key-of-at-least-256-bits-0123456789";
    public const string JwtIssuer = "https://idp.test.example";

    /// <summary>A token as the identity provider would issue it: a name, roles, optionally scenarios.</summary>
    public static string Token(string name, string[] roles, string signingKey = JwtSigningKey, string[]? scenarios = null,
        string algorithm = Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256, TimeSpan? lifetime = null)
    {
        var claims = new Dictionary<string, object> { ["name"] = name, ["roles"] = roles };
        if (scenarios is not null) claims["scenarios"] = scenarios;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = JwtIssuer,
            Audience = "borderwatch",
            Claims = claims,
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), algorithm),
        });
    }

    public static HttpClient Client(Uri address, string key)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }
}
