using BorderWatch.Geography;
using BorderWatch.Server.Hosting;
using BorderWatch.Server.Security;

var builder = WebApplication.CreateBuilder(args);
// 127.0.0.1:5080 unless an address is given: ASPNETCORE_URLS, --urls, Urls, or the HTTP_PORTS of a container image.
// Not in appsettings.json, where it would win over ASPNETCORE_URLS.
if (new[] { "urls", "http_ports", "https_ports" }.All(key => string.IsNullOrEmpty(builder.Configuration[key])))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

SectorCatalogue catalogue;
var cataloguePath = Path.GetFullPath(builder.Configuration["BorderWatch:Catalogue"] ?? "Catalogue/sectors.geojson", builder.Environment.ContentRootPath);
try
{
    catalogue = SectorCatalogue.Load(cataloguePath);
}
catch (CatalogueException e)
{
    Console.Error.WriteLine($"BorderWatch cannot start: {e.Message}");
    return 2;
}

var azuriteOptions = builder.Configuration.GetSection(AzuriteOptions.Section).Get<AzuriteOptions>() ?? new();
await using var azurite = await LocalAzurite.StartIfConfiguredAsync(azuriteOptions, builder.Environment.ContentRootPath, Console.Out);

// A setting start-up refuses ends it here with the setting named, whether found building the host, mapping the
// endpoints (the hub reads its options then) or starting (ValidateOnStart).
try
{
    builder.AddKeysFile();
    var devKeys = DevelopmentKeys.AddIfNeeded(builder);
    builder.AddBorderWatch(catalogue);
    var app = builder.Build();
    app.MapBorderWatch();
    if (devKeys is not null)
    {
        // The key rides in the fragment, which never leaves the browser; the page keeps it for the session.
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
            $"Development API keys (admin, operator, viewer, feeder): {devKeys}\n" +
            $"Dashboard: {app.Urls.First()}/#key={DevelopmentKeys.KeyOf(app.Configuration, Roles.Operator)}"));
    }
    app.Logger.LogInformation("Watching {Sectors} sectors on {Routes} routes from {Catalogue}", catalogue.Sectors.Count, catalogue.Routes.Count, cataloguePath);
    await app.RunAsync();
    return 0;
}
catch (SecurityConfigurationException e)
{
    Console.Error.WriteLine($"BorderWatch cannot start: {e.Message}");
    return 2;
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    Console.Error.WriteLine($"BorderWatch cannot start: {string.Join("; ", e.Failures)}");
    return 2;
}
catch (Exception e) when (e is not OperationCanceledException)
{
    // Storage out of reach when the silo starts, most often: one line an operator can act on, not a crash dump.
    Console.Error.WriteLine($"BorderWatch could not start: {e.GetBaseException().Message}");
    return 1;
}
