using System.Security.Claims;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Server.Archive;
using BorderWatch.Server.Hosting;
using BorderWatch.Server.Security;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Apis;

/// <summary>Scenario housekeeping: create, list, inspect, export and delete.</summary>
public static class ScenariosApi
{
    public const int MaxDescription = 500;

    public sealed record ScenarioRequest(string? Name, string? Description);

    public static void MapScenariosApi(this IEndpointRouteBuilder app)
    {
        // Operators and admins (the default policy): an exercise or a replay is an operator's decision, not a feeder's.
        app.MapPost("/api/scenarios", async (ScenarioRequest? body, ClaimsPrincipal user, ScenarioDirectory directory, IOptions<QuotaOptions> quotas) =>
        {
            if (body?.Name is not { } name) return Problems.BadRequest("name", "A scenario: {name, description}.");
            if (ScenarioQuery.Validate(name, out _) is not null)
                return Problems.BadRequest("name", "A scenario name is 1-63 lower-case letters, digits and hyphens, starting with a letter or digit.");
            if (body.Description is { Length: > MaxDescription }) return Problems.BadRequest("description", $"A description is at most {MaxDescription} characters.");
            if (!user.MayUse(name)) return Problems.Status(StatusCodes.Status403Forbidden, "name", $"This key may not use scenario '{name}'.");
            return await directory.CreateAsync(name, body.Description?.Trim() ?? "", user.Identity?.Name) switch
            {
                ScenarioCreation.Created => Results.Created($"/api/scenarios/{name}", await directory.FindAsync(name)),
                ScenarioCreation.Exists => Problems.Status(StatusCodes.Status409Conflict, "name", $"Scenario '{name}' exists already."),
                _ => Problems.Status(StatusCodes.Status409Conflict, "name",
                    $"The cluster holds {quotas.Value.Scenarios} scenarios, its quota ({QuotaOptions.Section}:Scenarios); delete one first."),
            };
        }).RequireAuthorization(Security.Roles.Act).Produces<ScenarioEntry>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/scenarios", async (HttpContext context, ScenarioDirectory directory) =>
            Results.Ok(await directory.ListAsync(context.User.MayUse))).RequireRateLimiting(SecurityHosting.ExpensiveReads).Produces<List<ScenarioSummary>>();

        app.MapGet("/api/scenarios/{name}", async (string name, ScenarioDirectory directory) =>
        {
            if (ScenarioQuery.Validate(name, out _) is { } invalid) return invalid;
            return await directory.FindAsync(name) is { } entry ? Results.Ok(await directory.SummarizeAsync(entry)) : Problems.NotFound("scenario", name);
        }).RequireRateLimiting(SecurityHosting.ExpensiveReads).Produces<ScenarioSummary>();

        app.MapDelete("/api/scenarios/{name}", async (string name, bool? confirmLive, ClaimsPrincipal user, ScenarioDirectory directory, ILogger<ScenarioDirectory> logger) =>
        {
            if (ScenarioQuery.Validate(name, out _) is { } invalid) return invalid;
            if (name == Scenarios.Live && confirmLive != true)
                return Problems.Status(StatusCodes.Status409Conflict, "name", "live is the operational picture; add ?confirmLive=true to really delete it.");
            if (!await directory.DeleteAsync(name)) return Problems.NotFound("scenario", name);
            logger.LogWarning("Scenario {Scenario} deleted by {User}", name, user.Identity?.Name);
            return Results.NoContent();
        }).RequireAuthorization(Roles.Manage).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/scenarios/{name}/records", async (string name, string? route, string? sector, DateTimeOffset? from, DateTimeOffset? to,
            HttpContext context, SectorCatalogue catalogue, ScenarioDirectory directory, ScenarioExport export) =>
        {
            if (ScenarioQuery.Validate(name, out _) is { } invalid) return invalid;
            if (route is not null && catalogue.FindRoute(route) is null) return Problems.NotFound("route", route);
            if (sector is not null && sector != SectorCatalogue.Unassigned && catalogue.FindSector(sector) is null) return Problems.NotFound("sector", sector);
            if (from >= to) return Problems.BadRequest("from", "from must be before to.");
            if (await directory.FindAsync(name) is null) return Problems.NotFound("scenario", name);

            context.Response.ContentType = "application/x-ndjson";
            await export.WriteAsync(name, new ExportFilter(route, sector, from, to), context.Response.Body, context.RequestAborted);
            return Results.Empty;
        }).RequireRateLimiting(SecurityHosting.ExpensiveReads).ProducesRecords();
    }
}
