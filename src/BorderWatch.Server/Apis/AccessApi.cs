using System.Security.Claims;
using BorderWatch.Server.Security;

namespace BorderWatch.Server.Apis;

/// <summary>Who the caller is (the dashboard shows it); for admins which keys exist (never the keys themselves) and the process's memory.</summary>
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

        app.MapGet("/api/keys", (KeyringSource keys) => Results.Ok(keys.Current.Holders.Select(h => new
        {
            h.Name, h.Role, h.Scenarios, h.RequestsPerSecond,
        }))).RequireAuthorization(Roles.Manage);

        // What this process holds, after a full collection: the figure behind "bytes per asset" in `borderwatch bench`.
        app.MapGet("/api/diagnostics/memory", () =>
        {
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            // Committed by the GC: of the working set, what the managed heap holds on to (the rest is native).
            return Results.Ok(new { managedBytes = managed, gcCommittedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes, workingSetBytes = self.WorkingSet64 });
        }).RequireAuthorization(Roles.Manage);

        // What this process wrote to the journal since it started, in all or for one scenario: bytes at rest shrink
        // with compaction, sealing and retention.
        app.MapGet("/api/diagnostics/storage", (string? scenario) => Results.Ok(new
        {
            journalBytesWritten = scenario is null ? Grains.Storage.JournalMetrics.BytesWritten : Grains.Storage.JournalMetrics.BytesWrittenFor(scenario),
            journalAppends = Grains.Storage.JournalMetrics.Appends,
        })).RequireAuthorization(Roles.Manage);
    }
}
