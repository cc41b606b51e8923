using BorderWatch.Server.Hosting;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>A real Azurite, in memory, on free ports; fails loudly if it cannot start.</summary>
public sealed class AzuriteInstance : IAsyncDisposable
{
    private readonly LocalAzurite _process;

    private AzuriteInstance(LocalAzurite process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteInstance> StartAsync()
    {
        int blob = Paths.FreePort(), queue = Paths.FreePort(), table = Paths.FreePort();
        var process = await LocalAzurite.StartAsync(Paths.Azurite, blob, queue, table, location: null);
        return new AzuriteInstance(process, LocalAzurite.ConnectionString(blob, queue, table));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
