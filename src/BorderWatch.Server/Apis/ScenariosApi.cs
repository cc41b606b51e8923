using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Server.Archive;
using BorderWatch.Server.Security;

namespace BorderWatch.Server.Apis;

/// <summary>Scenario housekeeping: list, inspect, export and delete.</summary>
public static class ScenariosApi
{
    public static void MapScenariosApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/scenarios", async (HttpContext context, ScenarioDirectory directory) =>
            Results.Ok(await directory.ListAsync(context.User.MayUse))).RequireRateLimiting(SecurityHosting.ExpensiveReads);

        app.MapGet("/api/scenarios/{name}", async (string name, ScenarioDirectory directory) =>
        {
            if (ScenarioQuery.Validate(name, out _) is { } invalid) return invalid;
            return await directory.SummarizeAsync(name) is { } summary ? Results.Ok(summary) : Problems.NotFound("scenario", name);
        }).RequireRateLimiting(SecurityHosting.ExpensiveReads);

        app.MapDelete("/api/scenarios/{name}", async (string name, bool? confirmLive, System.Security.Claims.ClaimsPrincipal user, ScenarioDirectory directory, ILogger<ScenarioDirectory> logger) =>
        {
            if (ScenarioQuery.Validate(name, out _) is { } invalid) return invalid;
            if (name == Scenarios.Live && confirmLive != true)
                return Problems.Status(StatusCodes.Status409Conflict, "name", "live is the operational picture; add ?confirmLive=true to really delete it.");
            if (!await directory.DeleteAsync(name)) return Problems.NotFound("scenario", name);
            logger.LogWarning("Scenario {Scenario} deleted by {User}", name, user.Identity?.Name);
            return Results.NoContent();
        }).RequireAuthorization(Roles.Manage);

        app.MapGet("/api/scenarios/{name}/records", async (string name, string? route, string? sector, DateTimeOffset? from, DateTimeOffset? to,
            HttpContext context, SectorCatalogue catalogue, ScenarioDirectory directory, ScenarioExport export) =>
        {
            if (ScenarioQuery.Validate(name, out _) is { } invalid) return invalid;
            if (route is not null && catalogue.FindRoute(route) is null) return Problems.NotFound("route", route);
            if (sector is not null && sector != SectorCatalogue.Unassigned && catalogue.FindSector(sector) is null) return Problems.NotFound("sector", sector);
            if (from >= to) return Problems.BadRequest("from", "from must be before to.");
            if (!await directory.ExistsAsync(name)) return Problems.NotFound("scenario", name);

            context.Response.ContentType = "application/x-ndjson";
            await export.WriteAsync(name, new ExportFilter(route, sector, from, to), context.Response.Body, context.RequestAborted);
            return Results.Empty;
        }).RequireRateLimiting(SecurityHosting.ExpensiveReads);
    }
}
