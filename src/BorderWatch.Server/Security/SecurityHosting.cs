using System.Security.Claims;
using System.Text;
using System.Threading.RateLimiting;
using BorderWatch.Server.Apis;
using BorderWatch.Server.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace BorderWatch.Server.Security;

/// <summary>Authentication (API keys, optionally JWT), role policies, per-caller rate limits, CORS and security headers.</summary>
public static class SecurityHosting
{
    private const string Selector = "BorderWatch";

    public static void AddBorderWatchSecurity(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        var limits = builder.Configuration.GetSection(LimitOptions.Section).Get<LimitOptions>() ?? new();
        var keyring = new Keyring(auth.Keys);
        if (keyring.IsEmpty && !auth.Jwt.Enabled)
            throw new SecurityConfigurationException($"No credentials are configured: add {AuthOptions.Section}:Keys (Name, Role, Hash) or {AuthOptions.Section}:Jwt. " +
                "`dotnet run --project tools/BorderWatch.Cli -- key --name NAME --role operator` makes a key and its hash; in Development a key file is made by itself.");

        var services = builder.Services;
        services.AddSingleton(keyring);
        services.AddSingleton(limits);
        var authentication = services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                auth.Jwt.Enabled && IsBearer(context.Request) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        if (auth.Jwt.Enabled) authentication.AddJwtBearer(o => ConfigureJwt(o, auth.Jwt));

        // Everything needs a reader unless it says otherwise; ingest and management say so.
        var read = new AuthorizationPolicyBuilder().RequireRole(Roles.Operator, Roles.Admin).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Read, read)
            .AddPolicy(Roles.Ingest, p => p.RequireRole(Roles.Feeder, Roles.Admin))
            .AddPolicy(Roles.Manage, p => p.RequireRole(Roles.Admin))
            .SetFallbackPolicy(read);

        services.AddRateLimiter(o =>
        {
            // Keys with a rate of their own get it (and a burst of two seconds of it); everyone else the configured one.
            var ownRates = keyring.Holders.Where(h => h.RequestsPerSecond is not null).ToDictionary(h => h.Name, h => h.RequestsPerSecond!.Value);
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments("/health")) return RateLimitPartition.GetNoLimiter("health");
                var who = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
                if (who is not null && ownRates.TryGetValue(who, out var own))
                    return RateLimitPartition.GetTokenBucketLimiter("key:" + who, _ => TokenBucket(own, (int)Math.Ceiling(2 * own)));
                var partition = who is null ? "ip:" + context.Connection.RemoteIpAddress : "key:" + who;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => TokenBucket(limits.RequestsPerSecond, limits.Burst));
            });
            o.OnRejected = async (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                await Problems.Status(StatusCodes.Status429TooManyRequests, "X-Api-Key",
                    $"Too many requests for this key; send again in {seconds} s (Retry-After).").ExecuteAsync(context.HttpContext);
            };
        });

        if (limits.CorsOrigins.Count > 0)
        {
            services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins([.. limits.CorsOrigins])
                .WithHeaders(ApiKeyHandler.Header, "Content-Type", "Authorization", "X-Requested-With", "X-SignalR-User-Agent")
                .WithMethods("GET", "POST", "PUT", "DELETE").AllowCredentials()));
        }
    }

    /// <summary>Headers first (every answer carries them), then who is calling, their rate, their rights, their scenarios.</summary>
    public static void UseBorderWatchHeaders(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<LimitOptions>();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers.ContentSecurityPolicy = ContentSecurityPolicy(app.Configuration);
            if (context.Request.Path.StartsWithSegments("/api")) headers.CacheControl = "no-store";
            return next(context);
        });
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        if (limits.CorsOrigins.Count > 0) app.UseCors();
    }

    public static void UseBorderWatchAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseScenarioAccess();
    }

    /// <summary>The page loads only its own scripts; the map may also load tiles from the configured tile server.</summary>
    private static string ContentSecurityPolicy(IConfiguration configuration)
    {
        var tiles = Uri.TryCreate(configuration["BorderWatch:Dashboard:TileUrl"]?.Replace("{s}", "a"), UriKind.Absolute, out var tile)
            ? " " + tile.GetLeftPart(UriPartial.Authority).Replace("//a.", "//*.")
            : "";
        // Leaflet positions its panes with inline styles.
        return $"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:{tiles}; " +
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
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateAudience = !string.IsNullOrEmpty(jwt.Audience),
            ValidAudience = jwt.Audience,
            ValidateIssuer = !string.IsNullOrEmpty(jwt.Issuer) || !string.IsNullOrEmpty(jwt.Authority),
            ValidIssuer = jwt.Issuer,
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
            // Scenario scope arrives in the token's own claim; keep one claim type for it.
            OnTokenValidated = context =>
            {
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
