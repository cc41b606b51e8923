using System.Security.Claims;
using System.Text;
using System.Threading.RateLimiting;
using BorderWatch.Server.Apis;
using BorderWatch.Server.Hosting;
using BorderWatch.Server.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BorderWatch.Server.Security;

/// <summary>Authentication (API keys, optionally JWT), role policies, per-caller rate limits, CORS and security headers.</summary>
public static class SecurityHosting
{
    private const string Selector = "BorderWatch";

    /// <summary>The rate-limiting policy of endpoints that read a whole scenario.</summary>
    public const string ExpensiveReads = "expensive-reads";

    public static void AddBorderWatchSecurity(this WebApplicationBuilder builder)
    {
        // Read here only to choose the schemes; the options are checked at start-up, before any of them is used.
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        var orleansView = BorderWatchHosting.OrleansDashboardEnabled(builder.Configuration);
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateProblems(o => o.Problems());
        services.AddOptions<Grains.Alerting.AlertOptions>().ValidateProblems(o => o.WebhookProblems());
        services.AddSettings<LimitOptions>(LimitOptions.Section);
        services.AddSingleton<KeyringSource>();
        services.AddSingleton<KeyedConnections>();
        var authentication = services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                orleansView && OrleansView.Carries(context.Request) ? OrleansView.Scheme
                : auth.Jwt.Enabled && IsBearer(context.Request) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        if (auth.Jwt.Enabled) authentication.AddJwtBearer(o => ConfigureJwt(o, auth.Jwt));
        if (orleansView) authentication.AddOrleansView();

        // Everything needs a reader unless it says otherwise; ingest and management say so.
        var read = new AuthorizationPolicyBuilder().RequireRole(Roles.Viewer, Roles.Operator, Roles.Admin).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Read, read)
            .AddPolicy(Roles.Act, p => p.RequireRole(Roles.Operator, Roles.Admin))
            .AddPolicy(Roles.Ingest, p => p.RequireRole(Roles.Feeder, Roles.Admin))
            .AddPolicy(Roles.Manage, p => p.RequireRole(Roles.Admin))
            .SetFallbackPolicy(read);

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitOptions>>((o, configured) =>
        {
            var limits = configured.Value;
            // Keys with a rate of their own get it (and a burst of two seconds of it); everyone else the configured one.
            // A key's partition is named with its rate, so that a changed rate takes effect with the changed keys.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments("/health"))
                    return RateLimitPartition.GetTokenBucketLimiter("health:" + context.Connection.RemoteIpAddress,
                        _ => TokenBucket(limits.HealthRequestsPerSecond, (int)Math.Ceiling(2 * limits.HealthRequestsPerSecond)));
                var who = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
                var own = who is null || context.User.FindFirst(ApiKeyHandler.DigestClaim) is null ? null
                    : context.RequestServices.GetRequiredService<KeyringSource>().Current.Named(who)?.RequestsPerSecond;
                if (own is { } rate)
                    return RateLimitPartition.GetTokenBucketLimiter($"key:{who}:{rate}", _ => TokenBucket(rate, (int)Math.Ceiling(2 * rate)));
                var partition = who is null ? "ip:" + context.Connection.RemoteIpAddress : "key:" + who;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => TokenBucket(limits.RequestsPerSecond, limits.Burst));
            });
            // Exports and listings read a whole scenario: a few at a time per key, whatever its request rate.
            o.AddPolicy(ExpensiveReads, context => RateLimitPartition.GetConcurrencyLimiter(
                context.User.Identity?.Name ?? "ip:" + context.Connection.RemoteIpAddress,
                _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ExpensiveReadsPerKey, QueueLimit = limits.ExpensiveReadsPerKey }));
            o.OnRejected = async (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                await Problems.Status(StatusCodes.Status429TooManyRequests, "X-Api-Key",
                    $"Too many requests from this key (or address, before a key is known); send again in {seconds} s (Retry-After).").ExecuteAsync(context.HttpContext);
            };
        });

        // No origins configured: a policy that allows none, so CORS stays closed.
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<LimitOptions>>((o, limits) => o.AddDefaultPolicy(p => p.WithOrigins([.. limits.Value.CorsOrigins])
            .WithHeaders(ApiKeyHandler.Header, "Content-Type", "Authorization", "X-Requested-With", "X-SignalR-User-Agent")
            .WithMethods("GET", "POST", "PUT", "DELETE").AllowCredentials()));
    }

    /// <summary>Adds the keys file (BorderWatch:Auth:KeysFile) to the configuration, re-read whenever it changes.</summary>
    public static void AddKeysFile(this WebApplicationBuilder builder)
    {
        if (builder.Configuration[$"{AuthOptions.Section}:KeysFile"] is not { Length: > 0 } file) return;
        var path = Path.GetFullPath(file, builder.Environment.ContentRootPath);
        if (!File.Exists(path)) throw new SecurityConfigurationException($"{AuthOptions.Section}:KeysFile: there is no file {path}.");
        builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: true);
    }

    /// <summary>Headers first (every answer carries them), then who is calling, their rate, their rights, their scenarios.</summary>
    public static void UseBorderWatchHeaders(this WebApplication app)
    {
        // Made once: every answer carries one of the two.
        var (policy, orleansPolicy) = (ContentSecurityPolicy(app.Configuration, false), ContentSecurityPolicy(app.Configuration, true));
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(OrleansView.Path) ? orleansPolicy : policy;
            if (context.Request.Path.StartsWithSegments("/api")) headers.CacheControl = "no-store";
            return next(context);
        });
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseCors();
    }

    public static void UseBorderWatchAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseScenarioAccess();
    }

    /// <summary>The page loads only its own scripts; the map may also load tiles from the configured tile server.</summary>
    private static string ContentSecurityPolicy(IConfiguration configuration, bool orleansView)
    {
        var tiles = Uri.TryCreate(configuration["BorderWatch:Dashboard:TileUrl"]?.Replace("{s}", "a"), UriKind.Absolute, out var tile)
            ? " " + tile.GetLeftPart(UriPartial.Authority).Replace("//a.", "//*.")
            : "";
        // No inline styles: Leaflet positions its panes through the DOM's style properties, which the policy allows.
        // The Orleans Dashboard's page has inline styles and its icons as data: fonts; those are allowed under /orleans only.
        var styles = orleansView ? "'self' 'unsafe-inline'" : "'self'";
        var fonts = orleansView ? "'self' data:" : "'self'";
        return $"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:{tiles}; font-src {fonts}; " +
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
    }

    private static TokenBucketRateLimiterOptions TokenBucket(double perSecond, int burst)
    {
        // Rates under one a second refill one token every 1/rate seconds.
        var (tokens, period) = perSecond >= 1 ? ((int)Math.Round(perSecond), TimeSpan.FromSeconds(1)) : (1, TimeSpan.FromSeconds(1 / perSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, 1), TokensPerPeriod = tokens, ReplenishmentPeriod = period, QueueLimit = 0, AutoReplenishment = true,
        };
    }

    /// <summary>A JWT has three dot-separated parts; an API key has none.</summary>
    private static bool IsBearer(HttpRequest request)
    {
        var token = ApiKeyHandler.HubToken(request) ?? request.Headers.Authorization.FirstOrDefault() switch
        {
            { } header when header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) => header["Bearer ".Length..],
            _ => null,
        };
        return token?.Count(c => c == '.') == 2;
    }

    private static void ConfigureJwt(JwtBearerOptions o, JwtOptions jwt)
    {
        o.MapInboundClaims = false;
        if (!string.IsNullOrEmpty(jwt.Authority)) o.Authority = jwt.Authority;
        // Validate() made sure there is an audience, and an issuer (given, or the Authority's own).
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = jwt.Audience,
            ValidIssuer = string.IsNullOrEmpty(jwt.Issuer) ? null : jwt.Issuer,
            ValidAlgorithms = jwt.AcceptedAlgorithms,
            ClockSkew = TimeSpan.FromSeconds(30),
            RoleClaimType = jwt.RoleClaim,
            NameClaimType = "name",
            IssuerSigningKey = string.IsNullOrEmpty(jwt.SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey)),
        };
        o.Events = new JwtBearerEvents
        {
            // Browsers pass the token in the query string of the hub's WebSocket.
            OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments(LiveHub.Path) && context.Request.Query["access_token"].FirstOrDefault() is { } token)
                    context.Token = token;
                return Task.CompletedTask;
            },
            // Scenario scope arrives in the token's own claim; keep one claim type for it. The token's expiry is
            // the ticket's, so that a hub connection closes when its token expires.
            OnTokenValidated = context =>
            {
                context.Properties.ExpiresUtc = context.SecurityToken.ValidTo;
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    foreach (var claim in identity.FindAll(jwt.ScenarioClaim).ToList()) identity.AddClaim(new Claim(Roles.ScenarioClaim, claim.Value));
                    if (identity.Name is null && identity.FindFirst("sub") is { } sub) identity.AddClaim(new Claim("name", sub.Value));
                }
                return Task.CompletedTask;
            },
        };
    }
}
