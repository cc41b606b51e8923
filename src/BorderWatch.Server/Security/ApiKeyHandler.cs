using System.Security.Claims;
using System.Text.Encodings.Web;
using BorderWatch.Server.Apis;
using BorderWatch.Server.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Security;

/// <summary>
/// Authenticates the X-Api-Key header, or the access_token query parameter on the live hub (a browser's
/// WebSocket cannot carry headers).
/// </summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyringSource keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    /// <summary>The SHA-256 of the key a caller presented: what a hub connection is checked against when keys change.</summary>
    public const string DigestClaim = "borderwatch/key-digest";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (string.IsNullOrEmpty(presented)) return Task.FromResult(AuthenticateResult.NoResult());
        var digest = Keyring.Digest(presented);
        if (keys.Current.Find(digest) is not { } holder) return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));

        var claims = new List<Claim> { new(ClaimTypes.Name, holder.Name), new(ClaimTypes.Role, holder.Role), new(DigestClaim, Convert.ToHexString(digest)) };
        claims.AddRange(holder.Scenarios.Select(s => new Claim(Roles.ScenarioClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        var detail = string.IsNullOrEmpty(PresentedKey(Request))
            ? $"Send an API key in the {Header} header (access_token in the query for {LiveHub.Path})."
            : "The API key is not valid.";
        await Problems.Status(StatusCodes.Status401Unauthorized, Header, detail).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirst(ClaimTypes.Role)?.Value;
        await Problems.Status(StatusCodes.Status403Forbidden, Header,
            $"The key '{Context.User.Identity?.Name}' ({role}) may not do this: feeders send records, operators read and act on alerts, admins manage.")
            .ExecuteAsync(Context);
    }

    /// <summary>X-Api-Key; on the live hub also the token SignalR clients send (Authorization: Bearer, or access_token for WebSockets).</summary>
    public static string? PresentedKey(HttpRequest request) => request.Headers[Header].FirstOrDefault() ?? HubToken(request);

    public static string? HubToken(HttpRequest request)
    {
        if (!request.Path.StartsWithSegments(LiveHub.Path)) return null;
        var authorization = request.Headers.Authorization.FirstOrDefault();
        return authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true
            ? authorization["Bearer ".Length..].Trim()
            : request.Query["access_token"].FirstOrDefault();
    }
}
