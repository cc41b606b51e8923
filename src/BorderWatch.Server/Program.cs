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

string? devKeys;
try
{
    builder.AddKeysFile();
    devKeys = DevelopmentKeys.AddIfNeeded(builder);
    builder.AddBorderWatch(catalogue);
}
catch (SecurityConfigurationException e)
{
    Console.Error.WriteLine($"BorderWatch cannot start: {e.Message}");
    return 2;
}
var app = builder.Build();
app.MapBorderWatch();
if (devKeys is not null)
{
    // The key rides in the fragment, which never leaves the browser; the page keeps it for the session.
    app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
        $"Development API keys (admin, operator, feeder): {devKeys}\n" +
        $"Dashboard: {app.Urls.First()}/#key={DevelopmentKeys.KeyOf(app.Configuration, Roles.Operator)}"));
}
app.Logger.LogInformation("Watching {Sectors} sectors on {Routes} routes from {Catalogue}", catalogue.Sectors.Count, catalogue.Routes.Count, cataloguePath);
try
{
    await app.RunAsync();
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    Console.Error.WriteLine($"BorderWatch cannot start: {string.Join("; ", e.Failures)}");
    return 2;
}
return 0;
