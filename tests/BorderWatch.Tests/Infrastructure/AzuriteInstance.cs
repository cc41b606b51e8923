using BorderWatch.Server.Hosting;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>A real Azurite on free ports, in memory or (to survive a restart) in a folder of its own; fails loudly if it cannot start.</summary>
public sealed class AzuriteInstance : IAsyncDisposable
{
    private readonly int _blob, _queue, _table;
    private readonly string? _location;
    private LocalAzurite? _process;

    private AzuriteInstance(int blob, int queue, int table, string? location)
    {
        (_blob, _queue, _table, _location) = (blob, queue, table, location);
        ConnectionString = LocalAzurite.ConnectionString(blob, queue, table);
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteInstance> StartAsync(bool onDisk = false)
    {
        var location = onDisk ? Path.Combine(Path.GetTempPath(), $"azurite-{Guid.NewGuid():N}") : null;
        for (var attempt = 1; ; attempt++)
        {
            // A port found free can be taken by another test's process before Azurite binds it: then other ports.
            var azurite = new AzuriteInstance(Paths.FreePort(), Paths.FreePort(), Paths.FreePort(), location);
            try
            {
                await azurite.StartAgainAsync();
                return azurite;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Stops the process (storage outage); what it wrote stays on disk.</summary>
    public async Task StopAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts it again on the same ports and folder.</summary>
    public async Task StartAgainAsync() => _process = await LocalAzurite.StartAsync(Paths.Azurite, _blob, _queue, _table, _location);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_location is not null && Directory.Exists(_location)) Directory.Delete(_location, recursive: true);
    }
}
