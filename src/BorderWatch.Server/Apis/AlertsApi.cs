using System.Security.Claims;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Alerting;

namespace BorderWatch.Server.Apis;

/// <summary>Alerts, acknowledgements, silences and impact levels of a scenario (query parameter scenario, default live).</summary>
public static class AlertsApi
{
    // Who acts is the caller's key or token, never a field of the request: operators cannot be impersonated.
    public sealed record AckRequest(string? Comment);
    public sealed record AlertList(string Scenario, Alert[] Alerts);
    public sealed record SilenceRequest(string? Route, string? Sector, DateTimeOffset? From, DateTimeOffset? To, string? Reason);
    public sealed record ImpactRequest(string? Level, string? Reason);
    public sealed record SectorImpact(string Sector, string ImpactLevel, string CataloguedImpactLevel, ImpactChange[] Audit);
    public sealed record WebhookView(string Name, IReadOnlyList<string> Scenarios, int Waiting, WebhookLogEntry[] Log);

    public static void MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts", async (string? scenario, string? state, string? route, DateTimeOffset? from, DateTimeOffset? to,
            SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            AlertState? wanted = null;
            if (state is not null)
            {
                if (!Enum.TryParse<AlertState>(state, ignoreCase: true, out var parsed) || int.TryParse(state, out _))
                    return Problems.BadRequest("state", "state is firing, acknowledged or resolved.");
                wanted = parsed;
            }
            if (route is not null && catalogue.FindRoute(route) is null) return Problems.NotFound("route", route);
            var alerts = await grains.GetGrain<IAlertsGrain>(name).QueryAsync(new AlertQuery(wanted, route, from, to));
            return Results.Ok(new AlertList(name, alerts));
        }).Produces<AlertList>();

        // Admins only: where notices went and what became of them. Names, never URLs or secrets.
        app.MapGet("/api/webhooks", async (IConfiguration configuration, IGrainFactory grains) =>
        {
            var hooks = configuration.GetSection(AlertOptions.Section).Get<AlertOptions>()?.Webhooks ?? [];
            return Results.Ok(await Task.WhenAll(hooks.Select(async hook =>
            {
                var status = await grains.GetGrain<IWebhookGrain>(hook.Name).GetStatusAsync();
                return new WebhookView(hook.Name, hook.Scenarios.Count == 0 ? [Scenarios.Live] : hook.Scenarios, status.Waiting, status.Log);
            })));
        }).RequireAuthorization(Security.Roles.Manage).Produces<WebhookView[]>();

        app.MapPost("/api/alerts/{id}/ack", async (string id, string? scenario, AckRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var alert = await grains.GetGrain<IAlertsGrain>(name).AcknowledgeAsync(id, Who(user), body?.Comment);
            return alert is null ? Problems.NotFound("alert", id) : Results.Ok(alert);
        }).RequireAuthorization(Security.Roles.Act).Produces<Alert>();

        app.MapGet("/api/silences", async (string? scenario, IGrainFactory grains) =>
            ScenarioQuery.Validate(scenario, out var name) ?? Results.Ok(await grains.GetGrain<IAlertsGrain>(name).GetSilencesAsync())).Produces<Silence[]>();

        app.MapPost("/api/silences", async (string? scenario, SilenceRequest? body, ClaimsPrincipal user, SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (body is null) return Problems.BadRequest("body", "A silence: {route?, sector?, from, to, reason}.");
            if (body.Route is not null && catalogue.FindRoute(body.Route) is null) return Problems.NotFound("route", body.Route);
            if (body.Sector is not null && catalogue.FindSector(body.Sector) is null) return Problems.NotFound("sector", body.Sector);
            if (body.From is not { } from || body.To is not { } to || from >= to) return Problems.BadRequest("from", "from and to are required, from before to.");
            if (string.IsNullOrWhiteSpace(body.Reason)) return Problems.BadRequest("reason", "Say why alerts are silenced.");
            var silence = await grains.GetGrain<IAlertsGrain>(name).AddSilenceAsync(body.Route, body.Sector, from, to, body.Reason, Who(user));
            return Results.Created($"/api/silences/{silence.Id}?scenario={name}", silence);
        }).RequireAuthorization(Security.Roles.Act).Produces<Silence>(StatusCodes.Status201Created);

        app.MapDelete("/api/silences/{id}", async (string id, string? scenario, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            return await grains.GetGrain<IAlertsGrain>(name).RemoveSilenceAsync(id) ? Results.NoContent() : Problems.NotFound("silence", id);
        }).RequireAuthorization(Security.Roles.Act).Produces(StatusCodes.Status204NoContent);

        app.MapGet("/api/sectors/{id}/impact", async (string id, string? scenario, SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (catalogue.FindSector(id) is not { } sector) return Problems.NotFound("sector", id);
            var book = grains.GetGrain<IAlertsGrain>(name);
            var levels = await book.GetImpactLevelsAsync();
            return Results.Ok(new SectorImpact(id, levels.GetValueOrDefault(id, sector.Info.ImpactLevel), sector.Info.ImpactLevel, await book.GetImpactAuditAsync(id)));
        }).Produces<SectorImpact>();

        // An operator sets a level (critical only this way), or gives it back to the rules with level null.
        app.MapPut("/api/sectors/{id}/impact", async (string id, string? scenario, ImpactRequest? body, ClaimsPrincipal user, SectorCatalogue catalogue, IGrainFactory grains) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            if (catalogue.FindSector(id) is null) return Problems.NotFound("sector", id);
            if (body?.Level is { } level && !ImpactLevels.IsValid(level)) return Problems.BadRequest("level", "level is low, medium, high or critical (or null: back to the rules).");
            if (string.IsNullOrWhiteSpace(body?.Reason)) return Problems.BadRequest("reason", "Say why the level changes.");
            await grains.GetGrain<IAlertsGrain>(name).SetImpactLevelAsync(id, body.Level, Who(user), body.Reason);
            return Results.NoContent();
        }).RequireAuthorization(Security.Roles.Act).Produces(StatusCodes.Status204NoContent);
    }

    private static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
