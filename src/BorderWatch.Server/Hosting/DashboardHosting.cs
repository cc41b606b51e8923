using System.Text.Json.Serialization;
using BorderWatch.Grains;
using BorderWatch.Grains.Live;
using BorderWatch.Contracts;
using BorderWatch.Server.Demo;
using BorderWatch.Server.Live;
using Microsoft.Extensions.FileProviders;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Hosting;

/// <summary>Configuration section BorderWatch:Dashboard.</summary>
public sealed class DashboardOptions
{
    public const string Section = "BorderWatch:Dashboard";

    /// <summary>A tile server ("https://host/{z}/{x}/{y}.png") for deployments that have one; without it the map draws country outlines it carries itself.</summary>
    public string? TileUrl { get; set; }

    public string? TileAttribution { get; set; }
}

public static class DashboardHosting
{
    /// <summary>The live hub and what feeds it. Azure SignalR Service takes over the connections when Azure:SignalR:ConnectionString is set.</summary>
    public static void AddLiveDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<LiveOptions>(LiveOptions.Section);
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        services.AddSingleton<LiveFeeds>();
        services.AddSingleton<Playbacks>();
        services.AddHostedService<LiveRelay>();
        var signalR = services.AddSignalR().AddJsonProtocol(o =>
            o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        // Large fan-out: Azure SignalR Service holds the browser connections; sends per connection work the same.
        if (!string.IsNullOrEmpty(builder.Configuration["Azure:SignalR:ConnectionString"])) signalR.AddAzureSignalR();
        // The message size limit is one of BorderWatch:Limits, read where the others are.
        services.AddOptions<HubOptions>().Configure<IOptions<Security.LimitOptions>>((hub, limits) => hub.MaximumReceiveMessageSize = limits.Value.MaxHubMessageBytes);
    }

    /// <summary>What the page needs before it connects: the map's tiles (null: the offline basemap), when an asset is stale, where it opens, and whether admins get the Orleans view.</summary>
    public sealed record DashboardSettings(string? TileUrl, string? TileAttribution, double StaleAfterSeconds, string DefaultScenario, bool OrleansView);

    public static void MapLiveDashboard(this WebApplication app)
    {
        // The page and its libraries are copied next to the server (Dashboard/, Dashboard/lib/ from npm) by the build.
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "Dashboard"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapHub<LiveHub>(LiveHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        // A new user lands on the moving demo; where the demo is off (operations), on the live picture.
        app.MapGet("/api/dashboard", (IOptions<DashboardOptions> dashboard, IOptions<AssetOptions> assets, IOptions<DemoOptions> demo) =>
            Results.Ok(new DashboardSettings(dashboard.Value.TileUrl, dashboard.Value.TileAttribution, assets.Value.StaleAfter.TotalSeconds,
                demo.Value.Enabled ? demo.Value.Scenario : Scenarios.Live, BorderWatchHosting.OrleansDashboardEnabled(app.Configuration))))
            .Produces<DashboardSettings>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
