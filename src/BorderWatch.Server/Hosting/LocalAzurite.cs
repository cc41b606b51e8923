using System.Diagnostics;
using System.Net.Sockets;

namespace BorderWatch.Server.Hosting;

/// <summary>Configuration section BorderWatch:Azurite: a local Azurite the server starts itself (development storage).</summary>
public sealed class AzuriteOptions
{
    public const string Section = "BorderWatch:Azurite";

    public bool Start { get; set; }

    /// <summary>Where Azurite keeps its files, relative to the content root; survives restarts. Empty: in memory.</summary>
    public string? Location { get; set; } = "data/azurite";

    public int BlobPort { get; set; } = 10000;
    public int QueuePort { get; set; } = 10001;
    public int TablePort { get; set; } = 10002;

    /// <summary>The azurite executable; by default the one npm installed beside the server project.</summary>
    public string? Command { get; set; }
}

/// <summary>An Azurite process (from the npm package) on 127.0.0.1, stopped with its owner.</summary>
public sealed class LocalAzurite : IAsyncDisposable
{
    private readonly Process _process;

    private LocalAzurite(Process process) => _process = process;

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The well-known development account at these ports.</summary>
    public static string ConnectionString(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" + $"AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite when configured; null when storage is someone else's (Azure, or an Azurite already running).</summary>
    public static async Task<LocalAzurite?> StartIfConfiguredAsync(AzuriteOptions options, string contentRoot, TextWriter log)
    {
        if (!options.Start) return null;
        if (await IsListeningAsync(options.BlobPort))
        {
            log.WriteLine($"Azurite: something already listens on 127.0.0.1:{options.BlobPort}; using it as storage.");
            return null;
        }
        var command = options.Command ?? Path.Combine(contentRoot, "node_modules", ".bin", "azurite");
        var location = string.IsNullOrEmpty(options.Location) ? null : Path.GetFullPath(options.Location, contentRoot);
        log.WriteLine($"Azurite: starting on 127.0.0.1:{options.BlobPort}-{options.TablePort}, data in {location ?? "memory"}");
        return await StartAsync(command, options.BlobPort, options.QueuePort, options.TablePort, location);
    }

    public static async Task<LocalAzurite> StartAsync(string command, int blobPort, int queuePort, int tablePort, string? location)
    {
        if (!File.Exists(command))
            throw new FileNotFoundException($"Azurite is not installed at {command}. Run `npm ci` in src/BorderWatch.Server (dotnet build does it).", command);
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}", "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}" })
        {
            start.ArgumentList.Add(arg);
        }
        if (location is null) start.ArgumentList.Add("--inMemoryPersistence");
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new LocalAzurite(process);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await IsListeningAsync(blobPort) && await IsListeningAsync(tablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var exit = process.HasExited ? process.ExitCode.ToString() : "none"; // read before disposing, which forgets it
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite did not come up on 127.0.0.1:{blobPort} (exit code {exit}).");
            }
            await Task.Delay(100);
        }
        return azurite;
    }

    public static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Stops Azurite as Ctrl-C would, so that it saves its metadata (it keeps containers in a database it writes
    /// now and then: a hard kill can lose containers made just before). It sometimes ignores the first signal.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        for (var attempt = 0; attempt < 2 && !_process.HasExited && !OperatingSystem.IsWindows(); attempt++)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // try again, then the hard way
            }
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
