using System.Diagnostics;
using BorderWatch.Cli.Replay;
using BorderWatch.Cli.Simulation;
using BorderWatch.Geography;
using Spectre.Console;

namespace BorderWatch.Cli.Bench;

/// <summary>One benchmark session: each measurement at steady state after a warm-up, each printed as it ends.</summary>
public sealed partial class BenchRun(BenchCommand.Plan plan)
{
    private const int Feeders = 4;
    private static readonly int[] LatencyRates = [1_000, 10_000, 50_000];

    private readonly Workloads _load = new(SectorCatalogue.Load(Path.Combine(AppContext.BaseDirectory, "Catalogue", "sectors.geojson")));
    private readonly Table _table = new Table().AddColumns("measure", "result", "target");
    private readonly Dictionary<string, object?> _details = [];

    public async Task<BenchResults> RunAsync(CancellationToken cancellation)
    {
        var root = RepositoryRoot();
        var serverDll = await BuildServerAsync(root, cancellation);
        double? detections = null, positions = null, p50 = null, p99 = null, perAsset = null, replay = null;

        var receiver = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); // the AIS receiver the server's TCP source reads
        receiver.Start();
        // The measures of one silo share it; scaling and returns start their own.
        if (BenchCommand.Plan.Measures.Except(["scaling", "return"]).Any(plan.Wants))
        {
            await using (var cluster = await StartAsync(serverDll, silos: 1, AisBench.Settings(receiver)))
            {
                using var http = cluster.CreateClient();
                var idle = await BenchCluster.SiloMemoryAsync(http);
                await WarmUpAsync(http, cancellation);
                if (plan.Wants("detections"))
                {
                    var (one, costs) = await DetectionsAsync(http, "one silo", cancellation, () => BenchCluster.RuntimeAsync(http));
                    detections = one.Median;
                    _details["detections"] = one;
                    _details["detectionsCost"] = costs;
                    Row("ingest, detections/s (4 feeders, 5,000 a batch); what a detection cost the silo", $"{one}; {costs}", ">= 250,000");
                }

                foreach (var fleet in plan.Wants("positions") ? plan.Fleets : [])
                {
                    var (perSecond, bytes) = await FleetAsync(http, fleet, cancellation);
                    if (fleet == plan.Fleets[0]) (positions, perAsset) = (perSecond, bytes);
                }

                if (plan.Wants("ais")) await AisAsync(cluster, http, receiver, cancellation);

                foreach (var rate in plan.Wants("latency") ? LatencyRates : [])
                {
                    Header($"Latency at {rate:N0} detections/s, {plan.LatencySeconds} s");
                    var probe = await LatencyProbe.MeasureAsync(http, cluster.Hub(), rate, plan.LatencySeconds, $"bench-latency-{rate}", Progress, cancellation);
                    _details[$"latency{rate}"] = probe.Latency;
                    Row($"POST to dashboard at {rate:N0}/s, p50 / p95 / p99 ms", probe.Latency is { } l ? $"{l.P50:N0} / {l.P95:N0} / {l.P99:N0}" : "nothing heard",
                        rate == 10_000 ? "p99 < 250" : "");
                    if (rate == 10_000) (p50, p99) = (probe.Latency?.P50, probe.Latency?.P99);
                }

                if (plan.Storage && plan.Wants("storage")) await LastingAsync(http, cancellation);
                if (plan.Replay && plan.Wants("replay")) replay = await ReplayAsync(cluster, cancellation);
                _details["idleMemory"] = idle;
            }
        }
        receiver.Stop();

        if (plan.Scaling && plan.Wants("scaling")) await ClusterAsync(serverDll, cancellation);
        if (!plan.Quick && plan.Wants("return")) await ReturnAsync(serverDll, cancellation);

        AnsiConsole.Write(_table);
        return new BenchResults(Machine(), DateTimeOffset.UtcNow, Commit(root), plan.Quick, detections, positions, p50, p99, perAsset, replay, _details);
    }

    /// <summary>The soak: one silo under a steady load, read every minute; the chart goes beside the JSON.</summary>
    public async Task<BenchResults> SoakAsync(TimeSpan duration, string jsonPath, CancellationToken cancellation)
    {
        var root = RepositoryRoot();
        var serverDll = await BuildServerAsync(root, cancellation);
        await using var cluster = await StartAsync(serverDll, silos: 1);
        using var http = cluster.CreateClient();
        Header($"Soak for {duration.TotalMinutes:0.#} min: 2,000 detections/s over every sector, 10,000 assets reporting every 10 s");
        var (minutes, verdicts) = await new Soak(_load, Progress).RunAsync(cluster, http, duration, cancellation);
        var chart = Path.ChangeExtension(jsonPath, ".svg");
        await File.WriteAllTextAsync(chart, Soak.Chart(minutes), cancellation);
        _details["soak"] = minutes;
        _details["soakVerdicts"] = verdicts;
        _details["chart"] = chart;
        Row("resident memory after 5 min, largest distance from its mean", verdicts.MemorySpread is { } m ? $"{m:P1}" : "run longer than 6 min", "within 10 %");
        Row("the same, less the id index (grows until the dedup window is full)", verdicts.MemorySpreadLessIds is { } l ? $"{l:P1}" : "run longer than 6 min", "within 10 %");
        Row("storage growth after 5 min, against the raw archive's growth", verdicts.StorageOverArchive is { } g ? $"{g:N2}x" : "run longer than 6 min", "<= 1.10x");
        Row("POST to dashboard p99 at 5 min and at the end, ms", $"{verdicts.P99First:N0} / {verdicts.P99Last:N0}", "flat");
        AnsiConsole.Write(_table);
        AnsiConsole.MarkupLineInterpolated($"Chart written to [bold]{chart}[/]");
        return new BenchResults(Machine(), DateTimeOffset.UtcNow, Commit(root), plan.Quick, null, null, null, verdicts.P99Last, null, null, _details);
    }

    /// <summary>
    /// A freshly started server runs at about half speed for its first 20-30 s of heavy load (the JIT is still
    /// gathering profiles for tiered PGO): detections go in unmeasured first, so that every figure is at steady state.
    /// </summary>
    private async Task WarmUpAsync(HttpClient http, CancellationToken cancellation)
    {
        Header($"Warming up the fresh server: detections for {plan.ServerWarmup.TotalSeconds:0} s, not measured");
        await ScenarioClient.CreateAsync(http, "bench-warmup", "bench: warm-up, not measured", cancellation);
        await Workloads.ThroughputAsync(http, "/api/detections?scenario=bench-warmup", n => _load.Detections("warmup", n), Feeders,
            plan.ServerWarmup, TimeSpan.Zero, Progress, cancellation);
    }

    private async Task<(Spread PerSecond, string Costs)> DetectionsAsync(HttpClient http, string what, CancellationToken cancellation,
        Func<Task<BenchCluster.RuntimeTotals>>? runtime = null)
    {
        var runs = new List<Throughput>();
        for (var r = 0; r < plan.Runs; r++)
        {
            Header($"Detections, {what}: run {r + 1} of {plan.Runs}");
            var run = $"d{r}-{Guid.NewGuid():N}"[..12];
            await ScenarioClient.CreateAsync(http, $"bench-{run}", $"bench: detections, {what}", cancellation);
            runs.Add(await Workloads.ThroughputAsync(http, $"/api/detections?scenario=bench-{run}", n => _load.Detections(run, n), Feeders,
                plan.Warmup, plan.Window, Progress, cancellation, runtime: runtime));
        }
        return (Spread.Of([.. runs.Select(r => r.PerSecond)]), Throughput.Costs(runs));
    }

    /// <summary>
    /// Creates a fleet (one report from each asset), measures positions/s over it and the silo's memory per asset with
    /// a full track; then, the process warmed, what an asset that has reported once holds, from a second fleet.
    /// </summary>
    private async Task<(double PerSecond, double BytesPerAsset)> FleetAsync(HttpClient http, int fleet, CancellationToken cancellation)
    {
        var scenario = $"bench-fleet-{fleet}";
        var run = $"f{fleet}";
        var (newPerSecond, refused) = await FirstReportsAsync(http, scenario, run, fleet, cancellation);
        Row($"first reports of {fleet:N0} new assets, assets/s", $"{newPerSecond:N0}", "");

        var runs = new List<Throughput>();
        var rounds = new Rounds((fleet + Workloads.BatchSize - 1) / Workloads.BatchSize); // after the first reports
        for (var r = 0; r < plan.Runs; r++)
        {
            Header($"Positions over {fleet:N0} assets: run {r + 1} of {plan.Runs}");
            runs.Add(await Workloads.ThroughputAsync(http, $"/api/positions?scenario={scenario}", rounds.Next(n => _load.Positions(run, n, fleet)), Feeders,
                plan.Warmup, plan.Window, Progress, cancellation, runtime: () => BenchCluster.RuntimeAsync(http)));
        }
        var spread = Spread.Of([.. runs.Select(r => r.PerSecond)]);
        _details[$"positions{fleet}"] = spread;
        _details[$"positions{fleet}Cost"] = Throughput.Costs(runs);
        Row($"ingest, positions/s over {fleet:N0} assets; what a position cost the silo", $"{spread}; {Throughput.Costs(runs)}",
            fleet <= 10_000 ? ">= 110,000 (10,000 assets)" : fleet >= 100_000 ? ">= 80,000 (100,000 assets)" : "");

        // Once every asset has a track behind it, what deleting the fleet gives back: what the assets themselves
        // hold, without the buffers and pools the runs grew (those stay, whatever the fleet).
        var points = await TrackPointsAsync(http, scenario, $"{run}-a0", cancellation);
        var tracked = await HeldAsync(http, scenario, cancellation);
        Row($"memory per active asset with a track of {points} points ({fleet:N0} assets), managed bytes freed by deleting them", $"{tracked / fleet:N0}", "<= 2,048");

        // The same for assets that have reported once, now that the process has grown its pools: a fleet made anew.
        await FirstReportsAsync(http, $"{scenario}-once", $"{run}o", fleet, cancellation);
        var once = await HeldAsync(http, $"{scenario}-once", cancellation);
        Row($"memory per asset after its first report ({fleet:N0} assets), managed bytes freed by deleting them", $"{once / fleet:N0}", "<= 1,024");
        _details[$"fleet{fleet}"] = new { newAssetsPerSecond = newPerSecond, batchesSentAgain = refused, trackPoints = points,
            bytesPerAssetFirstReport = once / fleet, bytesPerAsset = tracked / fleet };
        return (spread.Median, tracked / fleet);
    }

    /// <summary>One report from each of a new fleet's assets; returns new assets a second and the requests sent again after a 503.</summary>
    private async Task<(double PerSecond, int Refused)> FirstReportsAsync(HttpClient http, string scenario, string run, int fleet, CancellationToken cancellation)
    {
        await ScenarioClient.CreateAsync(http, scenario, $"bench: positions over {fleet:N0} assets", cancellation);
        Header($"Fleet of {fleet:N0} assets ({scenario}): first reports");
        var clock = Stopwatch.StartNew();
        // New assets arrive 1,000 to a request, two requests at a time, as a feeder that starts up would send them. A
        // 503 is sent again after a pause, as a feeder would.
        const int NewPerBatch = 1_000;
        var created = 0L;
        var refused = 0;
        var giveUp = DateTime.UtcNow.AddMinutes(15);
        await Parallel.ForEachAsync(Enumerable.Range(0, (fleet + NewPerBatch - 1) / NewPerBatch), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellation }, async (n, token) =>
        {
            var body = _load.Positions(run, 0, fleet, first: n * NewPerBatch, count: Math.Min(NewPerBatch, fleet - n * NewPerBatch));
            while (true)
            {
                using var response = await http.PostAsync($"/api/positions?scenario={scenario}", new StringContent(body, System.Text.Encoding.UTF8, "application/x-ndjson"), token);
                if (response.IsSuccessStatusCode) break;
                if ((int)response.StatusCode != 503 || DateTime.UtcNow > giveUp) response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref refused);
                await Task.Delay(TimeSpan.FromSeconds(2), token);
            }
            var done = Interlocked.Add(ref created, NewPerBatch);
            if (done % 5_000 == 0 || done >= fleet) Progress($"{Math.Min(done, fleet):N0} of {fleet:N0} assets reported, {clock.Elapsed.TotalSeconds:0} s, {refused} requests sent again after 503");
        });
        return (fleet / clock.Elapsed.TotalSeconds, refused);
    }

    /// <summary>The managed bytes a scenario's assets hold: the silo's heap now, less what it settles at once the scenario is deleted.</summary>
    private async Task<double> HeldAsync(HttpClient http, string scenario, CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromSeconds(3), cancellation); // let the shards ask for saves
        var held = await BenchCluster.SiloMemoryAsync(http);
        await DeleteScenarioAsync(http, scenario, cancellation);
        var gone = await SettledMemoryAsync(http, cancellation);
        return Math.Max(0, held.Managed - gone.Managed);
    }

    /// <summary>
    /// Deletes a scenario as a client should: a 503 (a storage call of the delete timed out under load) is retried
    /// after its Retry-After, and said, since the delete of 100,000 assets then took longer than one call may.
    /// </summary>
    private async Task DeleteScenarioAsync(HttpClient http, string scenario, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.DeleteAsync($"/api/scenarios/{scenario}", cancellation);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                // A retry may find the scenario gone already: the first attempt did delete it.
                if (response.StatusCode != System.Net.HttpStatusCode.NotFound || attempt == 1) response.EnsureSuccessStatusCode();
                return;
            }
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
            Progress($"deleting {scenario}: 503, retrying in {wait.TotalSeconds:N0} s (attempt {attempt})");
            await Task.Delay(wait, cancellation);
        }
    }

    /// <summary>The silo's memory once deactivations have run their course: read every second until three readings in a row stop falling.</summary>
    private static async Task<BenchCluster.SiloMemory> SettledMemoryAsync(HttpClient http, CancellationToken cancellation)
    {
        var last = await BenchCluster.SiloMemoryAsync(http);
        for (int i = 0, steady = 0; i < 60 && steady < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            var now = await BenchCluster.SiloMemoryAsync(http);
            steady = now.Managed > last.Managed * 0.995 ? steady + 1 : 0;
            last = now;
        }
        return last;
    }

    private static async Task<int> TrackPointsAsync(HttpClient http, string scenario, string asset, CancellationToken cancellation)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"/api/assets/{asset}/track?scenario={scenario}", cancellation));
        return json.RootElement.GetProperty("points").GetArrayLength();
    }

    private async Task LastingAsync(HttpClient http, CancellationToken cancellation)
    {
        Header("Storage per detection: a sector remembering a million ids, then a trickle into it");
        var figures = await Lasting.MeasureAsync(http, _load, Progress, cancellation);
        _details["lasting"] = figures;
        Row($"bytes written per detection at steady state, {figures.Ids:N0} ids remembered (x its {figures.LineBytes:N0}-byte line)",
            $"{figures.BytesPerDetection:N0} ({figures.BytesPerDetection / figures.LineBytes:N2}x)", "<= 3x the line");
        Row("MB written per minute, a detection every 2 s into that sector", $"{figures.TrickleBytesPerMinute / 1e6:N2}", "< 1");
        Row("memory per remembered detection id, bytes", $"{figures.IdBytes:N1}", "<= 16");
    }

    private async Task<double?> ReplayAsync(BenchCluster cluster, CancellationToken cancellation)
    {
        Header("Replay of the generated 2021-2025 history at full speed");
        var feed = Path.Combine(Path.GetTempPath(), "borderwatch-bench-history.ndjson.gz");
        if (!File.Exists(feed))
            await SimulateCommand.Command().Parse(["--from", "2021-01", "--to", "2025-09", "--seed", "1", "--out", feed]).InvokeAsync(cancellationToken: cancellation);
        using var http = cluster.CreateClient();
        var clock = Stopwatch.StartNew();
        var code = await new ReplayRun(http, [feed], new ReplayCommand.Window(null, null, null), null, ReplayCommand.DefaultBatch, 4, TimeSpan.FromSeconds(60))
            .RunAsync("bench-replay", cancellation);
        var seconds = clock.Elapsed.TotalSeconds;
        var (atRest, raw) = (await Lasting.AtRestAsync(http, "bench-replay", cancellation), Lasting.RawBytes(feed));
        _details["replay"] = new { seconds, exitCode = code, feed, bytesAtRest = atRest, rawBytes = raw };
        Row("replay 2021-2025 (1.9 M records), s", code == 0 ? $"{seconds:N1}" : $"failed ({code})", "< 10");
        Row("bytes at rest after the replay, against the feed's raw NDJSON", $"{atRest / 1e6:N0} MB / {raw / 1e6:N0} MB = {atRest / (double)raw:N2}", "<= 1.2");
        return code == 0 ? seconds : null;
    }

    private static async Task<BenchCluster> StartAsync(string serverDll, int silos, IReadOnlyDictionary<string, string>? settings = null)
    {
        Header(silos == 1 ? "Starting BorderWatch (one silo, Azurite on disk)" : "Starting two silos and an API front end");
        return await BenchCluster.StartAsync(serverDll, silos, settings);
    }

    /// <summary>
    /// AIS over 10,000 vessels (2,000 quick): their first reports and static data, memory per vessel, sentences/s
    /// over HTTP and over the TCP source, then POST-to-dashboard latency at 5,000 sentences/s.
    /// </summary>
    private async Task AisAsync(BenchCluster cluster, HttpClient http, System.Net.Sockets.TcpListener receiver, CancellationToken cancellation)
    {
        var vessels = plan.Quick ? 2_000 : 10_000;
        var ais = new AisBench(Progress);
        const string Scenario = "bench-ais";
        await ScenarioClient.CreateAsync(http, Scenario, "bench: AIS over HTTP", cancellation);
        Header($"AIS: {vessels:N0} vessels report and send their static data");
        var before = await BenchCluster.SiloMemoryAsync(http);
        await ais.CreateFleetAsync(http, Scenario, vessels, cancellation);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellation);
        var after = await BenchCluster.SiloMemoryAsync(http);
        var perVessel = Math.Max(0, after.Managed - before.Managed) / (double)vessels;

        var runs = new List<Throughput>();
        var rounds = new Rounds((vessels + Workloads.BatchSize - 1) / Workloads.BatchSize);
        for (var r = 0; r < plan.Runs; r++)
        {
            Header($"AIS over HTTP, {vessels:N0} vessels: run {r + 1} of {plan.Runs}");
            runs.Add(await Workloads.ThroughputAsync(http, $"/api/ais?scenario={Scenario}", rounds.Next(n => AisBench.Sentences(n * Workloads.BatchSize, Workloads.BatchSize, vessels)),
                Feeders, plan.Warmup, plan.Window, Progress, cancellation, "text/plain", () => BenchCluster.RuntimeAsync(http)));
        }
        var overHttp = Spread.Of([.. runs.Select(r => r.PerSecond)]);
        _details["aisHttpCost"] = Throughput.Costs(runs);
        Row($"AIS, tagged class A sentences/s over HTTP ({vessels:N0} vessels, 5,000 a body); what a sentence cost the silo", $"{overHttp}; {Throughput.Costs(runs)}", "");

        Header($"AIS from the server's TCP source, {vessels:N0} vessels");
        var overTcp = await ais.TcpAsync(http, receiver, vessels, plan.Warmup + TimeSpan.FromSeconds(5), plan.Window, cancellation);
        Row($"AIS, sentences/s read from a TCP source ({vessels:N0} vessels)", $"{overTcp:N0}", "");

        Header($"AIS: POST to dashboard at 5,000 sentences/s, {plan.LatencySeconds} s");
        var latency = await ais.LatencyAsync(http, cluster.Hub(), Scenario, vessels, 5_000, plan.LatencySeconds, rounds.After * Workloads.BatchSize, cancellation);
        Row("AIS POST to dashboard at 5,000 sentences/s, p50 / p95 / p99 ms", latency is { } l ? $"{l.P50:N0} / {l.P95:N0} / {l.P99:N0}" : "nothing heard", "");

        // What the vessels hold once each has a track behind it: freed by deleting them.
        var tracked = await BenchCluster.SiloMemoryAsync(http);
        var points = await TrackPointsAsync(http, Scenario, "200000000", cancellation);
        await DeleteScenarioAsync(http, Scenario, cancellation);
        var gone = await SettledMemoryAsync(http, cancellation);
        var perTracked = Math.Max(0, tracked.Managed - gone.Managed) / (double)vessels;
        Row($"memory per vessel with static data: first report / with a {points}-point track, managed bytes", $"{perVessel:N0} / {perTracked:N0}", "");
        _details["ais"] = new { vessels, overHttp, overTcp, latency5000 = latency, bytesPerVesselFirstReport = perVessel, bytesPerVessel = perTracked, trackPoints = points };
    }

    private static async Task<string> BuildServerAsync(string root, CancellationToken cancellation)
    {
        Header("Building the server (Release)");
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(root, "src", "BorderWatch.Server"), "-c", "Release", "-v", "q", "--nologo"]) { UseShellExecute = false })!;
        await build.WaitForExitAsync(cancellation);
        if (build.ExitCode != 0) throw new InvalidOperationException("The Release build of the server failed.");
        return Path.Combine(root, "src", "BorderWatch.Server", "bin", "Release", "net10.0", "BorderWatch.Server.dll");
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "BorderWatch.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run bench from the BorderWatch repository: it builds and starts the server from there.");
    }

    private static string? Commit(string root)
    {
        try
        {
            var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static Dictionary<string, object?> Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() : null;
        return new()
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = cpu,
            ["memoryBytes"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["dotnet"] = Environment.Version.ToString(),
        };
    }

    /// <summary>
    /// Batch numbers that carry on from run to run, so that a fleet's reports go on in event time without a gap
    /// (a jump of hours between runs would be a fleet going dark, which the behaviour rules would rightly report).
    /// </summary>
    private sealed class Rounds(long first)
    {
        private long _next = first, _last = first - 1;

        public long After => Math.Max(_next, _last + 1);

        public Func<long, string> Next(Func<long, string> batch)
        {
            var from = After;
            _next = from;
            return n =>
            {
                var k = from + n;
                lock (this) _last = Math.Max(_last, k);
                return batch(k);
            };
        }
    }

    private void Row(string measure, string result, string target) => _table.AddRow(Markup.Escape(measure), Markup.Escape(result), Markup.Escape(target));

    private static void Header(string text) => AnsiConsole.MarkupLineInterpolated($"[bold]{text}[/]");

    private static void Progress(string line) => Console.WriteLine("  " + line);
}
