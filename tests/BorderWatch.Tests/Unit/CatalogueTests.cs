using System.Text;
using BorderWatch.Geography;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Unit;

public sealed class CatalogueTests
{
    private static readonly SectorCatalogue Shipped = SectorCatalogue.Load(Paths.Catalogue);

    [Fact]
    public void The_shipped_catalogue_covers_every_frontex_route_with_an_area_and_hotspots()
    {
        string[] routes = ["central-med", "eastern-med", "western-med", "western-african", "western-balkans", "eastern-borders", "albania-greece", "black-sea"];
        Assert.Equal(routes.Order(), Shipped.Routes.Select(r => r.Id).Order());
        Assert.True(Shipped.Sectors.Count >= 25);
        foreach (var route in Shipped.Routes)
        {
            var sectors = route.SectorIds.Select(id => Shipped.FindSector(id)!.Info).ToList();
            Assert.Single(sectors, s => s.Kind == "area");
            Assert.Contains(sectors, s => s.Kind == "hotspot");
        }
    }

    [Theory]
    [InlineData(35.50, 12.60, "lampedusa")]          // hotspot inside the Central Mediterranean area: the smaller one wins
    [InlineData(36.00, 13.50, "central-med-area")]   // open sea between Sicily and Libya
    [InlineData(28.05, -16.72, "tenerife")]
    [InlineData(60.58, 27.84, "vaalimaa")]
    [InlineData(41.65, 26.48, "evros")]
    [InlineData(41.72, 26.32, "kapitan-andreevo")]
    public void A_point_goes_to_the_smallest_sector_that_contains_it(double lat, double lon, string expected) =>
        Assert.Equal(expected, Shipped.Assign(lat, lon));

    [Theory]
    [InlineData(48.85, 2.35)]   // Paris
    [InlineData(0, 0)]
    public void A_point_in_no_sector_is_unassigned(double lat, double lon) =>
        Assert.Equal(SectorCatalogue.Unassigned, Shipped.Assign(lat, lon));

    [Fact]
    public void A_self_intersecting_polygon_is_refused_naming_the_feature()
    {
        var bowtie = Feature("bowtie", "[[[0,0],[2,2],[2,0],[0,2],[0,0]]]");
        var error = Assert.Throws<CatalogueException>(() => Read(Feature("fine", "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"), bowtie));
        Assert.Contains("feature #2 ('bowtie')", error.Message);
        Assert.Contains("Self-intersection", error.Message);
    }

    [Theory]
    [InlineData("\"impactLevel\":\"severe\"", "'impactLevel' must be one of")]
    [InlineData("\"kind\":\"zone\"", "'kind' must be one of")]
    [InlineData("\"id\":\"Bad Id\"", "'id' must be")]
    public void A_bad_property_is_refused_naming_the_feature_and_property(string replacement, string expected)
    {
        var feature = Feature("x1", "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]");
        var key = replacement.Split(':')[0];
        var start = feature.IndexOf(key, StringComparison.Ordinal);
        var end = feature.IndexOfAny([',', '}'], start);
        var error = Assert.Throws<CatalogueException>(() => Read(feature[..start] + replacement + feature[end..]));
        Assert.Contains("feature #1", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Two_features_with_one_id_are_refused()
    {
        var square = "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]";
        var error = Assert.Throws<CatalogueException>(() => Read(Feature("same", square), Feature("same", square)));
        Assert.Contains("'same'", error.Message);
        Assert.Contains("used twice", error.Message);
    }

    private static string Feature(string id, string rings) =>
        $$$"""{"type":"Feature","properties":{"id":"{{{id}}}","name":"n","route":"r","kind":"hotspot","domain":"sea","country":"IT","impactLevel":"low"},"geometry":{"type":"Polygon","coordinates":{{{rings}}}}}""";

    private static SectorCatalogue Read(params string[] features) =>
        CatalogueReader.Read(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""")), "test.geojson");
}
