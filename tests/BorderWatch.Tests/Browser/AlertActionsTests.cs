using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// Acting on alerts from the page in a real Chromium (Browser/actions-check.mjs): an operator silences a route alert
/// (reason, end) and acknowledges it (comment) through the dialog, as the API then records them under the key's name;
/// a viewer key's page shows the alert and offers neither action.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class AlertActionsTests(ServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task An_operator_silences_and_acknowledges_an_alert_from_the_page_and_a_viewer_is_offered_neither()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var alert = (await SurgeAsync(Http, scenario)).Route().Single();
        var page = (string key) => new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={key}").ToString();
        await using var browser = BrowserScript.Run("actions-check.mjs", page(TestKeys.Operator), page(TestKeys.Viewer), alert.Text("id"));

        var silenced = await browser.ReadAsync("silenced");
        Assert.Contains("silenced", silenced.Text("text"));
        var silence = Assert.Single((await Http.GetJsonAsync($"/api/silences?scenario={scenario}")).AsArray())!;
        Assert.Equal(("central-med", "known surge, coordinated with the RCC", "duty-officer"), (silence.Text("route"), silence.Text("reason"), silence.Text("createdBy")));
        Assert.Equal(new DateTimeOffset(2023, 6, 30, 12, 0, 0, TimeSpan.Zero), silence["to"]!.GetValue<DateTimeOffset>());

        var acknowledged = await browser.ReadAsync("acknowledged");
        Assert.Contains("acknowledged by duty-officer", acknowledged.Text("text"));
        var after = (await Http.GetJsonAsync($"/api/alerts?scenario={scenario}"))["alerts"]!.AsArray().Single(a => a!.Text("id") == alert.Text("id"))!;
        Assert.Equal(("acknowledged", "patrol boat tasked"), (after.Text("state"), after["acknowledgement"]!.Text("comment")));

        var viewer = await browser.ReadAsync("viewer");
        Assert.True(viewer["alerts"]!.GetValue<int>() >= 1);
        Assert.Equal(0, viewer["buttons"]!.GetValue<int>());
        Assert.Contains("viewer", viewer.Text("who"));
        Assert.Empty(viewer["problems"]!.AsArray());
    }
}
