using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using BorderWatch.Geography;
using BorderWatch.Grains;
using BorderWatch.Grains.Storage;
using BorderWatch.Server.Apis;
using BorderWatch.Server.Ingest;
using BorderWatch.Server.Archive;
using BorderWatch.Server.Demo;
using BorderWatch.Server.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NetTopologySuite.IO.Converters;
using Orleans.Dashboard;

namespace BorderWatch.Server.Hosting;

/// <summary>Which part of the cluster this process is.</summary>
public enum ServerRole
{
    /// <summary>Hosts grains and serves the API (one process is a whole BorderWatch).</summary>
    Silo,

    /// <summary>Serves the API only, as an Orleans client of the silos.</summary>
    Client,
}

public static class BorderWatchHosting
{
    public static void AddBorderWatch(this WebApplicationBuilder builder, SectorCatalogue catalogue)
    {
        var services = builder.Services;
        services.AddSingleton(catalogue);
        // Read when the first asset needs it: 2.4 MB of land polygons.
        services.AddSingleton(_ => Coastline.Load(Path.Combine(AppContext.BaseDirectory, "Catalogue", "land-50m.geojson")));
        services.AddSingleton(TimeProvider.System);
        services.AddSettings<CountingOptions>(CountingOptions.Section);
        services.AddSettings<AssetOptions>(AssetOptions.Section);
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        services.AddSettings<IngestOptions>(IngestOptions.Section);
        services.AddSettings<AisOptions>(AisOptions.Section).ValidateProblems(o => o.Problems());
        services.AddSettings<QuotaOptions>(QuotaOptions.Section);
        services.AddSingleton<RecordParser>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<AisIngest>();
        services.AddSingleton<AisSources>();
        services.AddSettings<Coverage.CoverageOptions>(Coverage.CoverageOptions.Section);
        services.AddSingleton<Coverage.PatrolCoverage>();
        services.AddHostedService(s => s.GetRequiredService<AisSources>());
        services.TryAddSingleton<JournalStore>();
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section);
        services.AddSingleton<ScenarioDirectory>();
        services.AddSingleton<ScenarioExport>();
        services.AddApiDescription();
        services.AddSettings<DemoOptions>(DemoOptions.Section);
        services.AddHostedService<DemoFeed>();
        services.AddStorageClients(builder.Configuration);
        builder.AddBorderWatchSecurity();

        // Orleans reads its own section (Orleans:Clustering, Orleans:Endpoints, Orleans:Membership): the same code
        // runs on one machine, against Azurite or Azure, or as several silos, by configuration alone.
        var tls = ClusterTls.Load(builder.Configuration, builder.Environment.ContentRootPath);
        builder.AddBorderWatchTelemetry();
        var traced = TelemetryHosting.Detailed(builder.Configuration);
        var orleansDashboard = OrleansDashboardEnabled(builder.Configuration);
        if (builder.Configuration.GetValue("BorderWatch:Role", ServerRole.Silo) == ServerRole.Silo)
        {
            builder.UseOrleans(silo =>
            {
                if (tls is not null) silo.UseTls(tls.Own, o => ClusterTls.Configure(o, tls));
                if (traced) silo.AddActivityPropagation();
                if (orleansDashboard) silo.AddDashboard();
                silo.Services.AddBorderWatchGrains(builder.Configuration);
                // Grain state beside the journal, in the same account: set in code, so that front ends (Orleans clients,
                // which know no grain storage) can share the configuration.
                silo.AddAzureBlobGrainStorage(StorageNames.GrainState, options => options.Configure<IServiceProvider>((o, services) =>
                {
                    o.BlobServiceClient = services.GetRequiredKeyedService<BlobServiceClient>(StorageNames.BlobClient);
                    o.ContainerName = StorageNames.GrainStateContainer;
                }));
                // How fast a dead silo is noticed (probe timeout, missed probes): Orleans' defaults unless set.
                silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
                // In a Kubernetes pod: silo name and address from the pod, and pods that are gone leave the membership.
                if (builder.Configuration.GetValue<bool>("BorderWatch:Kubernetes")) silo.UseKubernetesHosting();
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                if (tls is not null) client.UseTls(tls.Own, o => ClusterTls.Configure(o, tls));
                if (traced) client.AddActivityPropagation();
                if (orleansDashboard) client.AddDashboard();
            });
        }
        builder.AddLiveDashboard();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new GeoJsonConverterFactory());
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<UnavailableHandler>();
        services.AddSingleton<ReadinessCheck>();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("storage-and-cluster");
    }

    /// <summary>
    /// One BlobServiceClient (grain state and journal) and one TableServiceClient (clustering) from
    /// ConnectionStrings:Storage: a connection string, or an account URL used with the ambient Azure identity.
    /// </summary>
    private static void AddStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        string Connection() => configuration.GetConnectionString("Storage")
            ?? throw new InvalidOperationException("ConnectionStrings:Storage is not configured.");
        // A feeder would rather hear 503 in a few seconds and retry than wait out the SDK's default backoff (about 25 s).
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        // Thousands of grains activating at once would otherwise open thousands of connections to the account.
        blobOptions.Transport = new Azure.Core.Pipeline.HttpClientTransport(new SocketsHttpHandler { MaxConnectionsPerServer = configuration.GetValue("BorderWatch:Storage:MaxConnections", 64) });
        foreach (var retry in new[] { blobOptions.Retry, tableOptions.Retry })
        {
            (retry.MaxRetries, retry.Delay, retry.MaxDelay, retry.NetworkTimeout) = (3, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        }
        services.AddKeyedSingleton(StorageNames.BlobClient, (_, _) =>
            Uri.TryCreate(Connection(), UriKind.Absolute, out var uri)
                ? new BlobServiceClient(uri, new DefaultAzureCredential(), blobOptions)
                : new BlobServiceClient(Connection(), blobOptions));
        services.AddKeyedSingleton(StorageNames.BlobClient, (_, _) =>
            Uri.TryCreate(Connection(), UriKind.Absolute, out var uri)
                ? new TableServiceClient(new Uri(uri.ToString().Replace(".blob.", ".table.")), new DefaultAzureCredential(), tableOptions)
                : new TableServiceClient(Connection(), tableOptions));
    }

    /// <summary>
    /// The Orleans Dashboard (grains, silos, calls) under /orleans, for admins only; off unless
    /// BorderWatch:OrleansDashboard is true. Every silo needs it on for a front end to show it.
    /// </summary>
    public static bool OrleansDashboardEnabled(IConfiguration configuration) => configuration.GetValue("BorderWatch:OrleansDashboard", false);

    /// <summary>Binds a section and checks it at start-up: a bad value stops the server with the setting named.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>Checks options at start-up by a method of theirs that names each setting it refuses.</summary>
    public static OptionsBuilder<T> ValidateProblems<T>(this OptionsBuilder<T> options, Func<T, IEnumerable<string>> problems) where T : class
    {
        options.Services.AddSingleton<IValidateOptions<T>>(new ProblemCheck<T>(problems));
        return options.ValidateOnStart();
    }

    private sealed class ProblemCheck<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options).ToList() is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }

    public static void MapBorderWatch(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBorderWatchHeaders();
        app.MapLiveDashboard();
        app.UseBorderWatchAccess();
        // For orchestrators: live while the process runs (no check), ready once it can serve; /health as before.
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { ResponseWriter = ReadinessCheck.WriteAsync }).AllowAnonymous();
        // The document is for anyone with a key (feeders generate clients from it too).
        app.MapOpenApi(ApiDescription.DocumentPath).RequireAuthorization(p => p.RequireAuthenticatedUser());
        if (OrleansDashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(OrleansView.Path).RequireAuthorization(Roles.Manage).ExcludeFromDescription();
            app.MapOrleansSession();
        }
        var api = app.MapGroup("").WithProblems();
        api.MapAccessApi();
        api.MapIngestApi();
        api.MapCatalogueApi();
        api.MapRoutesApi();
        api.MapSectorsApi();
        api.MapAssetsApi();
        api.MapCoverageApi();
        api.MapScenariosApi();
        api.MapAlertsApi();
    }
}
