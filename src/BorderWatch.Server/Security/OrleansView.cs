using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BorderWatch.Server.Security;

/// <summary>
/// A browser's way into the Orleans Dashboard, whose page fetches its data without our key header: an admin's page
/// posts its key once to <see cref="SessionPath"/> and gets a cookie that only /orleans requests carry (HttpOnly,
/// SameSite=Strict, an hour). Each request checks that the key behind it is still an admin's, so revoking the key
/// closes the view too.
/// </summary>
public static class OrleansView
{
    public const string Scheme = "OrleansView", Path = "/orleans", SessionPath = "/api/orleans/session";

    public static void AddOrleansView(this AuthenticationBuilder authentication) => authentication.AddCookie(Scheme, o =>
    {
        o.Cookie.Name = "borderwatch-orleans";
        o.Cookie.Path = Path;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromHours(1);
        o.SlidingExpiration = false;
        // An API answers 401 and 403, it does not redirect to a sign-in page.
        o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
        o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
        o.Events.OnValidatePrincipal = context =>
        {
            var digest = context.Principal?.FindFirst(ApiKeyHandler.DigestClaim)?.Value;
            var holder = digest is null ? null : context.HttpContext.RequestServices.GetRequiredService<KeyringSource>().Current.Find(Convert.FromHexString(digest));
            if (holder?.Role != Roles.Admin) context.RejectPrincipal();
            return Task.CompletedTask;
        };
    });

    /// <summary>The cookie scheme for /orleans requests that carry the cookie and no key of their own.</summary>
    public static bool Carries(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && request.Cookies.ContainsKey("borderwatch-orleans") && ApiKeyHandler.PresentedKey(request) is null;

    /// <summary>POST with an admin's key: the cookie for /orleans. Keys only: a bearer token has no key to re-check.</summary>
    public static void MapOrleansSession(this IEndpointRouteBuilder app) =>
        app.MapPost(SessionPath, async (HttpContext context) =>
        {
            if (context.User.FindFirst(ApiKeyHandler.DigestClaim) is null)
                return Apis.Problems.Status(StatusCodes.Status403Forbidden, ApiKeyHandler.Header, "The Orleans view opens with an admin's API key.");
            var identity = new ClaimsIdentity(context.User.Claims, Scheme);
            await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
            return Results.NoContent();
        }).RequireAuthorization(Roles.Manage).ExcludeFromDescription();

    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
