using System.Text.Json.Nodes;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// The page as an operations room uses it (Browser/rooms-check.mjs): no serious accessibility violation (axe-core) in
/// the light or the dark theme at 1366x768, dark by a key press, and the wall layout on a 3840x2160 screen, with
/// screenshots of each kept in TestResults.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RoomsTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_page_passes_the_accessibility_check_in_both_themes_turns_dark_by_key_and_lays_itself_out_for_a_wall()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var folder = Path.Combine(Paths.Root, "TestResults");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "light", "dark", "wall" }) File.Delete(Path.Combine(folder, $"dashboard-{name}.png"));
        await using var browser = BrowserScript.Run("rooms-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(),
            "central-med", folder);

        var rooms = await browser.ReadAsync("rooms");
        var (light, dark, wall) = (rooms["light"]!, rooms["dark"]!, rooms["wall"]!);
        Assert.True(!Serious(light).Any(), "light: " + string.Join("\n", Serious(light)));
        Assert.True(!Serious(dark).Any(), "dark: " + string.Join("\n", Serious(dark)));
        Assert.Equal(("system", "dark"), (light.Text("theme"), dark.Text("theme")));
        Assert.NotEqual(light.Text("background"), dark.Text("background"));
        Assert.Equal(("desk", "wall"), (light.Text("layout"), wall.Text("layout")));
        Assert.True(Px(wall, "fontSize") > Px(light, "fontSize"), "larger type on the wall");
        Assert.True(wall["asideLeft"]!.GetValue<double>() >= wall["mapRight"]!.GetValue<double>() - 1, "the panels beside the map");
        Assert.False(light["overflows"]!.GetValue<bool>() || wall["overflows"]!.GetValue<bool>(), "nothing wider than the screen at 1366x768 or on the wall");
        Assert.All(new[] { "light", "dark", "wall" }, name => Assert.True(File.Exists(Path.Combine(folder, $"dashboard-{name}.png")), name));
        Assert.Empty(rooms["problems"]!.AsArray());
    }

    private static IEnumerable<string> Serious(JsonNode look) => look["violations"]!.AsArray()
        .Where(v => v!.Text("impact") is "serious" or "critical").Select(v => v!.ToJsonString());

    private static double Px(JsonNode look, string name) => double.Parse(look.Text(name).Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture);
}
