using System.Diagnostics;
using System.Text;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>
/// The real BorderWatch server as a separate process on 127.0.0.1 and a free port, against the given storage,
/// so tests can also kill it hard.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Http = TestKeys.Client(address, TestKeys.Admin);
    }

    public Uri Address { get; }
    /// <summary>A client with the admin key.</summary>
    public HttpClient Http { get; }

    public HttpClient ClientWith(string key) => TestKeys.Client(Address, key);

    /// <summary>A scenario of the test's own, created on this server.</summary>
    public async Task<string> NewScenarioAsync()
    {
        var name = ClusterFixture.NewScenario();
        await Api.ApiClient.CreateScenarioAsync(Http, name);
        return name;
    }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the server; with <paramref name="waitHealthy"/> returns once /health answers 200. Without
    /// <paramref name="testKeys"/> its keys are only those the settings give. With <paramref name="addressByEnvironment"/>
    /// the address goes in ASPNETCORE_URLS instead of the command line. <paramref name="environment"/> is set for
    /// the process (OTEL_* variables, say).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string storage, IDictionary<string, string>? settings = null, bool waitHealthy = true, int? port = null,
        bool testKeys = true, bool addressByEnvironment = false, IDictionary<string, string>? environment = null)
    {
        port ??= Paths.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Paths.ServerDll)!,
        };
        start.ArgumentList.Add(Paths.ServerDll);
        var all = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings:Storage"] = storage,
            ["BorderWatch:Azurite:Start"] = "false",
            ["Orleans:Endpoints:SiloPort"] = Paths.FreePort().ToString(),
            ["Orleans:Endpoints:GatewayPort"] = Paths.FreePort().ToString(),
            ["BorderWatch:Counting:SnapshotInterval"] = "00:00:01",
            ["BorderWatch:Demo:Enabled"] = "false",
        };
        if (testKeys) foreach (var (k, v) in TestKeys.Settings()) all[k] = v;
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        if (addressByEnvironment) start.Environment["ASPNETCORE_URLS"] = all.Remove("Urls", out var urls) ? urls : null;
        foreach (var (k, v) in all) start.ArgumentList.Add($"--{k}={v}");

        var process = Process.Start(start)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitHealthy) await server.WaitHealthyAsync();
        return server;
    }

    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited ({_process.ExitCode}):\n{Output}");
            try
            {
                using var response = await Http.GetAsync("/health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The server did not become healthy:\n{Output}");
    }

    /// <summary>kill -9: no shutdown hooks, no final snapshot.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        _process.Dispose();
    }
}
