using BorderWatch.Geography;
using BorderWatch.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);

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

builder.AddBorderWatch(catalogue);
var app = builder.Build();
app.MapBorderWatch();
app.Logger.LogInformation("Watching {Sectors} sectors on {Routes} routes from {Catalogue}", catalogue.Sectors.Count, catalogue.Routes.Count, cataloguePath);
await app.RunAsync();
return 0;
