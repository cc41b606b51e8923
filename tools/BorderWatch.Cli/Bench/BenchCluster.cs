using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// BorderWatch processes started for a benchmark, from the Release build, on 127.0.0.1 and free ports: one silo that
/// starts its own Azurite (on disk, in a temporary folder), or several silos on table clustering and API front ends.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"borderwatch-bench-{Guid.NewGuid():N}");
    private readonly string _key = "bench-" + Guid.NewGuid().ToString("N");

    private BenchCluster() { }

    /// <summary>Where clients go: the first front end, or the lone silo.</summary>
    public Uri Address { get; private set; } = null!;

    public List<Uri> Silos { get; } = [];
    public List<Uri> FrontEnds { get; } = [];

    public HttpClient CreateClient(Uri? at = null)
    {
        var http = new HttpClient { BaseAddress = at ?? Address, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Add("X-Api-Key", _key);
        return http;
    }

    public IHubConnectionBuilder Hub() =>
        new HubConnectionBuilder().WithUrl(new Uri(Address, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(_key));

    /// <param name="settings">Settings on top of the bench's own (an AIS source, say).</param>
    /// <param name="frontEnds">API processes in front of more than one silo.</param>
    public static async Task<BenchCluster> StartAsync(string serverDll, int silos, IReadOnlyDictionary<string, string>? settings = null, int frontEnds = 1)
    {
        var cluster = new BenchCluster();
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings:Storage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;",
            ["BorderWatch:Azurite:Start"] = "true",
            ["BorderWatch:Azurite:Location"] = Path.Combine(cluster._data, "azurite"),
            ["BorderWatch:Azurite:BlobPort"] = $"{blob}",
            ["BorderWatch:Azurite:QueuePort"] = $"{queue}",
            ["BorderWatch:Azurite:TablePort"] = $"{table}",
            ["BorderWatch:Azurite:Command"] = Path.Combine(Path.GetDirectoryName(serverDll)!, "..", "..", "..", "node_modules", ".bin", "azurite"),
            ["BorderWatch:Demo:Enabled"] = "false",
            // Fleets may be larger than a production scenario's quota, and a soak makes a latency probe's scenario a minute.
            ["BorderWatch:Quotas:Assets"] = "10000000",
            ["BorderWatch:Quotas:Scenarios"] = "100000",
            ["BorderWatch:Auth:Keys:0:Name"] = "bench",
            ["BorderWatch:Auth:Keys:0:Role"] = "admin",
            ["BorderWatch:Auth:Keys:0:Key"] = cluster._key,
            ["BorderWatch:Auth:Keys:0:RequestsPerSecond"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Orleans:ClusterId"] = "bench",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) common[k] = v;
        if (silos > 1) common["Orleans:Clustering:ProviderType"] = "AzureTableStorage";
        if (silos > 1) common["Orleans:Clustering:ServiceKey"] = "storage";

        try
        {
            for (var i = 0; i < silos; i++) cluster.Silos.Add(await cluster.StartOneAsync(serverDll, common, role: "Silo"));
            if (silos > 1)
                for (var i = 0; i < frontEnds; i++) cluster.FrontEnds.Add(await cluster.StartOneAsync(serverDll, common, role: "Client"));
            cluster.Address = cluster.FrontEnds.Count > 0 ? cluster.FrontEnds[0] : cluster.Silos[0];
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task<Uri> StartOneAsync(string serverDll, Dictionary<string, string> settings, string role)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(serverDll)! };
        start.ArgumentList.Add(serverDll);
        var all = new Dictionary<string, string>(settings)
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["BorderWatch:Role"] = role,
            ["Orleans:Endpoints:SiloPort"] = $"{FreePort()}",
            ["Orleans:Endpoints:GatewayPort"] = $"{FreePort()}",
        };
        foreach (var (k, v) in all) start.ArgumentList.Add($"--{k}={v}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The shared ArrayPool lets go of buffers a minute after their last use: buffers that earlier runs grew would
        // then be freed in the middle of a memory reading and counted as the fleet's (a 2,000-asset fleet read 19 KB an
        // asset instead of 3.9 KB). Kept, they are the same before and after, as in a server under steady load.
        start.Environment["DOTNET_SYSTEM_BUFFERS_ARRAYPOOL_TRIMSHARED"] = "false";
        var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);

        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The server exited ({process.ExitCode}):\n{string.Join('\n', output)}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return address;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not up yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The server did not become healthy:\n{string.Join('\n', output)}");
    }

    /// <summary>The managed heap after a full collection, and the resident memory, of the process answering (a lone silo).</summary>
    public static async Task<SiloMemory> SiloMemoryAsync(HttpClient siloHttp)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await siloHttp.GetStringAsync("/api/diagnostics/memory"));
        var root = json.RootElement;
        return new(root.GetProperty("managedBytes").GetInt64(), root.GetProperty("workingSetBytes").GetInt64(), root.GetProperty("gcCommittedBytes").GetInt64(),
            root.GetProperty("assetsInMemory").GetInt64());
    }

    /// <summary>The bytes a silo wrote to the journal of a scenario since it started.</summary>
    public static async Task<long> JournalWrittenAsync(HttpClient siloHttp, string scenario)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await siloHttp.GetStringAsync($"/api/diagnostics/storage?scenario={Uri.EscapeDataString(scenario)}"));
        return json.RootElement.GetProperty("journalBytesWritten").GetInt64();
    }

    /// <summary>A silo's managed heap after a full collection, its working set, and what the GC keeps committed, in bytes; and the assets its fleets hold.</summary>
    public sealed record SiloMemory(long Managed, long WorkingSet, long GcCommitted, long AssetsInMemory);

    /// <summary>The answering process's totals since it started: bytes allocated, seconds the GC paused it, CPU seconds, uptime.</summary>
    public static async Task<RuntimeTotals> RuntimeAsync(HttpClient siloHttp)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await siloHttp.GetStringAsync("/api/diagnostics/runtime"));
        var root = json.RootElement;
        return new(root.GetProperty("allocatedBytes").GetInt64(), root.GetProperty("gcPauseSeconds").GetDouble(),
            root.GetProperty("cpuSeconds").GetDouble(), root.GetProperty("uptimeSeconds").GetDouble());
    }

    public sealed record RuntimeTotals(long Allocated, double GcPauseSeconds, double CpuSeconds, double Uptime);

    /// <summary>What the answering process wrote to the journal since it started: bytes and appends, all scenarios.</summary>
    public static async Task<(long Bytes, long Appends)> JournalTotalsAsync(HttpClient http)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/diagnostics/storage"));
        return (json.RootElement.GetProperty("journalBytesWritten").GetInt64(), json.RootElement.GetProperty("journalAppends").GetInt64());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the processes as Ctrl-C would, front end first, the silo that started Azurite last (it stops Azurite).</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            var process = _processes[i];
            if (!process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])!) await kill.WaitForExitAsync();
                try
                {
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            process.Dispose();
        }
        try
        {
            if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still be closing its files; the folder is in /tmp.
        }
    }
}
