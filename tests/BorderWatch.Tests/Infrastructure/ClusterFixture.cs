using Azure.Storage.Blobs;
using BorderWatch.Geography;
using BorderWatch.Grains;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using BorderWatch.Tests.Storage;
using Orleans.TestingHost;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>An Orleans test cluster whose grains keep state and journals in a real Azurite.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private AzuriteInstance? _azurite;

    /// <summary>How long an asset stays in memory without a report in this cluster.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(2);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The journal storage the silo writes through: faults can be armed per shard log.</summary>
    public FaultyJournals Journals { get; private set; } = null!;

    public static readonly TimeSpan PositionRetention = TimeSpan.FromSeconds(6);

    public string StorageConnection => _azurite!.ConnectionString;
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteInstance.StartAsync();
        var connection = _azurite.ConnectionString;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(SectorCatalogue.Load(Paths.Catalogue));
            silo.Services.AddSingleton(_ => Coastline.Load(Paths.Coastline));
            silo.Services.AddKeyedSingleton(StorageNames.BlobClient, (_, _) => new BlobServiceClient(connection));
            silo.Services.AddBorderWatchGrains();
            silo.Services.AddSingleton<IJournalStorageProvider>(sp => new FaultyJournals(sp.GetRequiredService<JournalStore>()));
            // Small blocks and segments: every test's writes cross block and segment boundaries, as years of ingest do,
            // and compaction and retention (positions kept for seconds) run all the time under every test.
            silo.Services.AddOptions<JournalOptions>().Configure(o =>
                (o.MaxBlockBytes, o.MaxBlocksPerSegment, o.RecordSegmentBytes, o.StateSegmentBytes, o.SealAfter) = (16 * 1024, 400, 256 * 1024, 32 * 1024, TimeSpan.Zero));
            silo.Services.AddOptions<RetentionOptions>().Configure(o => o.Positions = PositionRetention);
            silo.Services.AddOptions<CountingOptions>().Configure(o => o.SnapshotInterval = TimeSpan.FromSeconds(1));
            silo.Services.AddOptions<AssetOptions>().Configure(o =>
            {
                o.TrackPoints = 5;
                o.IdleAfter = IdleAfter; // short: every test's assets leave memory and come back from the journal
            });
            silo.AddAzureBlobGrainStorage(StorageNames.GrainState, o => (o.BlobServiceClient, o.ContainerName) = (new BlobServiceClient(connection), StorageNames.GrainStateContainer));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Journals = Cluster.Silos[0].ServiceProvider.GetRequiredService<IJournalStorageProvider>() as FaultyJournals
            ?? throw new InvalidOperationException("the silo does not write through the test's journal storage");
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Cluster is not null) await Cluster.DisposeAsync();
        }
        finally
        {
            if (_azurite is not null) await _azurite.DisposeAsync();
        }
    }

    /// <summary>A scenario name no other test uses: fresh grains, no resetting.</summary>
    public static string NewScenario() => "t-" + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
