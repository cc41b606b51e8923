using System.Security.Claims;
using BorderWatch.Server.Security;

namespace BorderWatch.Server.Apis;

/// <summary>Who the caller is (the dashboard shows it); for admins which keys exist (never the keys themselves) and the process's memory.</summary>
public static class AccessApi
{
    public sealed record Caller(string? Name, IEnumerable<string> Roles, IEnumerable<string> Scenarios);

    public sealed record MemoryUse(long ManagedBytes, long GcCommittedBytes, long WorkingSetBytes, long AssetsInMemory);

    public sealed record StorageUse(long JournalBytesWritten, long JournalAppends);

    /// <summary>This process's running totals since it started: what two readings apart say of the work between them.</summary>
    public sealed record RuntimeUse(long AllocatedBytes, double GcPauseSeconds, double CpuSeconds, double UptimeSeconds, int[] Collections);

    public static void MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", (ClaimsPrincipal user) => Results.Ok(new Caller(
            user.Identity?.Name, Roles.All.Where(user.IsInRole), user.FindAll(Roles.ScenarioClaim).Select(c => c.Value))))
            .RequireAuthorization(p => p.RequireAuthenticatedUser()).Produces<Caller>();

        app.MapGet("/api/keys", (KeyringSource keys) => Results.Ok(keys.Current.Holders))
            .RequireAuthorization(Roles.Manage).Produces<IEnumerable<Keyring.Holder>>();

        // What this process holds, after a full collection: the figure behind "bytes per asset" in `borderwatch bench`.
        app.MapGet("/api/diagnostics/memory", () =>
        {
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            // Committed by the GC: of the working set, what the managed heap holds on to (the rest is native).
            return Results.Ok(new MemoryUse(managed, GC.GetGCMemoryInfo().TotalCommittedBytes, self.WorkingSet64, Grains.BorderWatchMetrics.AssetsInMemory));
        }).RequireAuthorization(Roles.Manage).Produces<MemoryUse>();

        // Totals since the process started, cheap to read (no collection): `borderwatch bench` reads them around each
        // measurement for the bytes allocated per record and the share of the time the GC paused the process.
        app.MapGet("/api/diagnostics/runtime", () =>
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            return Results.Ok(new RuntimeUse(GC.GetTotalAllocatedBytes(precise: false), GC.GetTotalPauseDuration().TotalSeconds,
                self.TotalProcessorTime.TotalSeconds, (DateTime.Now - self.StartTime).TotalSeconds,
                [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)]));
        }).RequireAuthorization(Roles.Manage).Produces<RuntimeUse>();

        // What this process wrote to the journal since it started, in all or for one scenario: bytes at rest shrink
        // with compaction, sealing and retention.
        app.MapGet("/api/diagnostics/storage", (string? scenario) => Results.Ok(new StorageUse(
            scenario is null ? Grains.Storage.JournalMetrics.BytesWritten : Grains.Storage.JournalMetrics.BytesWrittenFor(scenario),
            Grains.Storage.JournalMetrics.Appends))).RequireAuthorization(Roles.Manage).Produces<StorageUse>();

        // Which grains of a scenario are in memory across the cluster, by type: `of`, not `scenario`, so that a
        // scenario that does not exist can be looked for too (and found holding none).
        app.MapGet("/api/diagnostics/activations", async (string of, IGrainFactory grains) =>
        {
            var all = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            return Results.Ok(all.Where(a => a.GrainId.Key.ToString() is { } key && (key == of || key.StartsWith(of + "/", StringComparison.Ordinal)))
                .GroupBy(a => a.GrainType).ToDictionary(g => g.Key, g => g.Count()));
        }).RequireAuthorization(Roles.Manage).Produces<Dictionary<string, int>>().RequireRateLimiting(SecurityHosting.ExpensiveReads);
    }
}
