using System.Security.Claims;
using BorderWatch.Server.Security;

namespace BorderWatch.Server.Apis;

/// <summary>Who the caller is (the dashboard shows it), and for admins which keys exist (never the keys themselves).</summary>
public static class AccessApi
{
    public static void MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", (ClaimsPrincipal user) => Results.Ok(new
        {
            name = user.Identity?.Name,
            roles = Roles.All.Where(user.IsInRole),
            scenarios = user.FindAll(Roles.ScenarioClaim).Select(c => c.Value),
        })).RequireAuthorization(p => p.RequireAuthenticatedUser());

        app.MapGet("/api/keys", (Keyring keyring) => Results.Ok(keyring.Holders.Select(h => new
        {
            h.Name, h.Role, h.Scenarios, h.RequestsPerSecond,
        }))).RequireAuthorization(Roles.Manage);
    }
}
