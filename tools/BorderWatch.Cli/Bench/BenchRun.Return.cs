using System.Diagnostics;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// What it costs an idle asset to come back: a silo whose assets leave memory after 5 s of silence, a fleet that
/// reports once, falls silent until every asset has left, and reports again. Each round of returns is followed at
/// once by a round with every asset in memory, the same batches, for comparison; the scenario must then hold
/// exactly the positions the feeders were told were accepted.
/// </summary>
public sealed partial class BenchRun
{
    private static readonly TimeSpan ReturnIdleAfter = TimeSpan.FromSeconds(5);

    private async Task ReturnAsync(string serverDll, CancellationToken cancellation)
    {
        const int Fleet = 100_000;
        Header($"Idle assets coming back: one silo with BorderWatch:Assets:IdleAfter {ReturnIdleAfter.TotalSeconds:0} s (15 min by default), {Fleet:N0} assets");
        await using var cluster = await StartAsync(serverDll, silos: 1,
            new Dictionary<string, string> { ["BorderWatch:Assets:IdleAfter"] = ReturnIdleAfter.ToString() });
        using var http = cluster.CreateClient();
        await WarmUpAsync(http, cancellation);
        const string Scenario = "bench-return", Run = "ret";
        await FirstReportsAsync(http, Scenario, Run, Fleet, cancellation);

        var perRound = Fleet / Workloads.BatchSize;
        var round = 0;
        var returns = new List<Throughput>();
        var resident = new List<Throughput>();
        long accepted = Fleet;
        var refused = 0;
        double? freedPerAsset = null;
        for (var r = 0; r <= plan.Runs; r++) // run 0 warms the path up, unmeasured
        {
            Header(r == 0 ? "Returns: a first round, not measured" : $"Returns: run {r} of {plan.Runs}");
            await AllLeftAsync(http, cancellation);
            var (back, backRefused) = await RoundAsync(http, Scenario, n => _load.Positions(Run, n, Fleet), ++round * perRound, perRound, cancellation);
            var (inMemory, memoryRefused) = await RoundAsync(http, Scenario, n => _load.Positions(Run, n, Fleet), ++round * perRound, perRound, cancellation);
            accepted += back.Accepted + inMemory.Accepted;
            refused += backRefused + memoryRefused;
            if (r == 0) continue;
            returns.Add(back);
            resident.Add(inMemory);
            Progress($"returns {back.PerSecond:N0}/s, {back.CpuMicrosecondsPerRecord:N1} µs CPU each; in memory {inMemory.PerSecond:N0}/s, {inMemory.CpuMicrosecondsPerRecord:N1} µs CPU each");
            if (r == plan.Runs)
            {
                var held = await BenchCluster.SiloMemoryAsync(http);
                var left = await AllLeftAsync(http, cancellation);
                freedPerAsset = Math.Max(0, held.Managed - left.Managed) / (double)Fleet;
            }
        }

        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"/api/scenarios/{Scenario}", cancellation));
        var counted = json.RootElement.GetProperty("positions").GetInt64();
        var (backSpread, memorySpread) = (Spread.Of([.. returns.Select(t => t.PerSecond)]), Spread.Of([.. resident.Select(t => t.PerSecond)]));
        _details["return"] = new { fleet = Fleet, idleAfterSeconds = ReturnIdleAfter.TotalSeconds, returns = backSpread, returnsCost = Throughput.Costs(returns),
            inMemory = memorySpread, inMemoryCost = Throughput.Costs(resident), managedBytesFreedPerAssetLeaving = freedPerAsset, counted, accepted, sentAgainAfter503 = refused };
        Row($"positions/s from {Fleet:N0} assets coming back from storage; what one cost the silo", $"{backSpread}; {Throughput.Costs(returns)}", "");
        Row($"the same batches with the assets in memory", $"{memorySpread}; {Throughput.Costs(resident)}", "");
        Row("managed bytes an asset gives back by leaving memory", freedPerAsset is { } f ? $"{f:N0}" : "", "");
        Row("positions the scenario holds / the feeders were told were accepted", $"{counted:N0} / {accepted:N0}{(counted == accepted ? "" : "  MISMATCH")}", "equal");
        Row("requests sent again after a 503", $"{refused:N0}", "");
    }

    /// <summary>Waits until the silo holds no asset in memory, and returns its memory then.</summary>
    private async Task<BenchCluster.SiloMemory> AllLeftAsync(HttpClient http, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var memory = await BenchCluster.SiloMemoryAsync(http);
            if (memory.AssetsInMemory == 0) return memory;
            if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"{memory.AssetsInMemory:N0} assets still in memory after 2 min");
            Progress($"{memory.AssetsInMemory:N0} assets in memory, waiting for them to leave ({clock.Elapsed.TotalSeconds:0} s)");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
    }

    /// <summary>
    /// Posts batches first .. first + count - 1 of a workload, <see cref="Feeders"/> at a time, each until it is
    /// accepted; returns the rate and cost, and the requests sent again after a 503.
    /// </summary>
    private static async Task<(Throughput Rate, int Refused)> RoundAsync(HttpClient http, string scenario, Func<long, string> batch, long first, int count, CancellationToken cancellation)
    {
        var bodies = Enumerable.Range(0, count).Select(i => batch(first + i)).ToList(); // made before the clock starts
        var before = await BenchCluster.RuntimeAsync(http);
        var clock = Stopwatch.StartNew();
        long accepted = 0;
        var refused = 0;
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = Feeders, CancellationToken = cancellation }, async (body, token) =>
        {
            while (true) // a 503 is sent again after its Retry-After, as a feeder would, and counted
            {
                using var response = await http.PostAsync($"/api/positions?scenario={scenario}", new StringContent(body, System.Text.Encoding.UTF8, "application/x-ndjson"), token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Add(ref accepted, Workloads.AcceptedOf(await response.Content.ReadAsStringAsync(token)));
                    return;
                }
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable) response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref refused);
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2), token);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var after = await BenchCluster.RuntimeAsync(http);
        var records = Math.Max(1, accepted);
        return (new Throughput(accepted / seconds, (after.Allocated - before.Allocated) / (double)records,
            (after.GcPauseSeconds - before.GcPauseSeconds) / seconds, accepted, (after.CpuSeconds - before.CpuSeconds) * 1e6 / records), refused);
    }
}
