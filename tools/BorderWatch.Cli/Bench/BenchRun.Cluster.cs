namespace BorderWatch.Cli.Bench;

/// <summary>
/// The capacity model's check (docs/capacity.md): four silos and two API front ends as processes on this machine,
/// each front end fed by half the feeders. The counts must come out as the feeders were answered, and each process's
/// share of the work (CPU, journal appends and bytes) is printed for the model to be held against.
/// </summary>
public sealed partial class BenchRun
{
    private const int ClusterSilos = 4, ClusterFrontEnds = 2, ClusterFleet = 10_000;

    private async Task ClusterAsync(string serverDll, CancellationToken cancellation)
    {
        Header($"Starting {ClusterSilos} silos and {ClusterFrontEnds} API front ends");
        await using var cluster = await BenchCluster.StartAsync(serverDll, ClusterSilos, frontEnds: ClusterFrontEnds);
        var frontEnds = cluster.FrontEnds.Select(f => cluster.CreateClient(f)).ToList();
        List<(string Name, HttpClient Http)> processes =
            [.. cluster.Silos.Select((s, i) => ($"silo {i + 1}", cluster.CreateClient(s))), .. frontEnds.Select((f, i) => ($"front end {i + 1}", f))];
        await WarmUpAsync(frontEnds[0], cancellation);

        var detections = $"bench-cluster-d-{Guid.NewGuid():N}"[..24];
        await ScenarioClient.CreateAsync(frontEnds[0], detections, "bench: detections on four silos", cancellation);
        var run = detections[^6..];
        await ShareAsync("detections", detections, processes, frontEnds,
            (http, half) => Workloads.ThroughputAsync(http, $"/api/detections?scenario={detections}", n => _load.Detections($"{run}{half}", n), Feeders / ClusterFrontEnds,
                plan.Warmup, plan.Window, Progress, cancellation), "detections", cancellation);

        var positions = $"bench-cluster-p-{Guid.NewGuid():N}"[..24];
        await FirstReportsAsync(frontEnds[0], positions, "c", ClusterFleet, cancellation);
        var rounds = new Rounds((ClusterFleet + Workloads.BatchSize - 1) / Workloads.BatchSize);
        // Both front ends take the same fleet's next batches in turn, as two feeders behind a load balancer would.
        var batch = rounds.Next(n => _load.Positions("c", n, ClusterFleet));
        long next = -1;
        await ShareAsync("positions", positions, processes, frontEnds,
            (http, _) => Workloads.ThroughputAsync(http, $"/api/positions?scenario={positions}", _ => batch(Interlocked.Increment(ref next)), Feeders / ClusterFrontEnds,
                plan.Warmup, plan.Window, Progress, cancellation), "positions", cancellation, already: ClusterFleet);
    }

    /// <summary>
    /// Feeds both front ends at once, then prints the records a second, whether the scenario holds what the feeders
    /// were told it accepted, and each process's CPU, appends and journal bytes a second over the same time.
    /// </summary>
    private async Task ShareAsync(string what, string scenario, List<(string Name, HttpClient Http)> processes, List<HttpClient> frontEnds,
        Func<HttpClient, int, Task<Throughput>> feed, string counted, CancellationToken cancellation, long already = 0)
    {
        Header($"{what}, {ClusterSilos} silos and {ClusterFrontEnds} front ends");
        var before = await Task.WhenAll(processes.Select(p => ReadAsync(p.Http)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runs = await Task.WhenAll(frontEnds.Select((http, i) => feed(http, i)));
        var seconds = clock.Elapsed.TotalSeconds;
        var after = await Task.WhenAll(processes.Select(p => ReadAsync(p.Http)));

        var accepted = runs.Sum(r => r.Accepted) + already;
        using var json = System.Text.Json.JsonDocument.Parse(await frontEnds[0].GetStringAsync($"/api/scenarios/{scenario}", cancellation));
        var held = json.RootElement.GetProperty(counted).GetInt64();
        var perSecond = runs.Sum(r => r.PerSecond);
        Row($"ingest, {what}/s, {ClusterSilos} silos + {ClusterFrontEnds} front ends (both fed)", $"{perSecond:N0}", "");
        Row($"{what} the scenario holds / the feeders were told were accepted", $"{held:N0} / {accepted:N0}{(held == accepted ? "" : "  MISMATCH")}", "equal");
        var shares = new List<object>();
        for (var i = 0; i < processes.Count; i++)
        {
            var (cpu, appends, bytes) = (after[i].Cpu - before[i].Cpu, after[i].Appends - before[i].Appends, after[i].Bytes - before[i].Bytes);
            Row($"  {processes[i].Name}: cores busy, journal appends/s, journal MB/s", $"{cpu / seconds:N2}, {appends / seconds:N0}, {bytes / seconds / 1e6:N1}", "");
            shares.Add(new { process = processes[i].Name, cores = cpu / seconds, appendsPerSecond = appends / seconds, journalBytesPerSecond = bytes / seconds });
        }
        _details[$"cluster-{what}"] = new { perSecond, held, accepted, seconds, shares };
    }

    private static async Task<(double Cpu, long Appends, long Bytes)> ReadAsync(HttpClient http)
    {
        var runtime = await BenchCluster.RuntimeAsync(http);
        var (bytes, appends) = await BenchCluster.JournalTotalsAsync(http);
        return (runtime.CpuSeconds, appends, bytes);
    }
}
