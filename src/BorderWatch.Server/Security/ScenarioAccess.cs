using System.Security.Claims;
using BorderWatch.Contracts;
using BorderWatch.Server.Apis;
using BorderWatch.Server.Archive;
using Microsoft.AspNetCore.Http.Metadata;

namespace BorderWatch.Server.Security;

/// <summary>Keys and tokens scoped to some scenarios (an exercise, a partner's replay) reach only those.</summary>
public static class ScenarioAccess
{
    public static bool MayUse(this ClaimsPrincipal user, string scenario)
    {
        var allowed = user.FindAll(Roles.ScenarioClaim).Select(c => c.Value).ToList();
        return allowed.Count == 0 || allowed.Contains(scenario);
    }

    /// <summary>
    /// Refuses, before the endpoint runs, a request whose scenario (the <c>scenario</c> query parameter, default
    /// live, or the scenario in the path) is outside the caller's scope (403), or does not exist (404): a made-up
    /// name wakes no grain but the registry. A name that is not a scenario name is left to the endpoint's 400.
    /// </summary>
    public static IApplicationBuilder UseScenarioAccess(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (ScenarioOf(context) is { } scenario && await RefusalAsync(context, scenario) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static async Task<IResult?> RefusalAsync(HttpContext context, string scenario)
    {
        if (context.User.Identity?.IsAuthenticated == true && !context.User.MayUse(scenario))
            return Problems.Status(StatusCodes.Status403Forbidden, "scenario", $"This key may not use scenario '{scenario}'.");
        if (!Scenarios.ValidName().IsMatch(scenario)) return null;
        try
        {
            if (await context.RequestServices.GetRequiredService<ScenarioDirectory>().FindAsync(scenario) is not null) return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(nameof(ScenarioAccess)).LogWarning(e, "Cannot read the scenario registry");
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "scenario", "The cluster cannot say which scenarios exist right now; try again.");
        }
        return Problems.Status(StatusCodes.Status404NotFound, "scenario",
            $"There is no scenario '{scenario}'. An operator or admin creates one with POST /api/scenarios {{\"name\": \"{scenario}\", \"description\": \"...\"}}.");
    }

    /// <summary>The scenario an endpoint works on: /api/scenarios/{name}, or its <c>scenario</c> parameter (default live); null for the others.</summary>
    private static string? ScenarioOf(HttpContext context)
    {
        if (context.GetRouteValue("name") is string name) return name;
        var parameters = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>() ?? [];
        if (!parameters.Any(p => p.Name == "scenario")) return null;
        return context.Request.Query["scenario"].FirstOrDefault() is { Length: > 0 } scenario ? scenario : Scenarios.Live;
    }
}
