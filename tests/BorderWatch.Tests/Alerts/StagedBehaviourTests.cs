using System.Text.RegularExpressions;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Replay.FeedFixtures;

namespace BorderWatch.Tests.Alerts;

/// <summary>`simulate --behaviours` stages what the vessel rules watch for; `backtest` replays it and says which fired and when.</summary>
[Collection(ServerCollection.Name)]
public sealed class StagedBehaviourTests(ServerFixture fixture)
{
    [Fact]
    public async Task Backtest_finds_every_staged_behaviour_fired_when_its_rule_allows_and_no_other_vessel_alert_among_the_patrols()
    {
        var feed = Path.Combine(TempDirectory(), "staged.ndjson");
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(1), "simulate", "--from", "2023-09-09", "--to", "2023-09-21",
            "--routes", "central-med,eastern-med,western-african", "--behaviours", "--out", feed);
        Assert.True(code == 0, output);
        var staged = File.ReadLines(Path.ChangeExtension(feed, ".behaviours.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(["dark", "encounter", "encounter", "loitering", "loitering"], staged.Select(s => s[0]));
        Assert.Equal("2023-09-10T03:00:00Z", staged[0][2]);   // last seen off Zuwara at 02:00, dark after an hour

        (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(3), "backtest", feed, "--url", fixture.Server.Address.ToString());
        Assert.True(code == 0, output);
        Assert.True(output.Contains("staged behaviours=5 fired=5 missed=0 other vessel alerts=0"), output);
        // Each fired at the event time its rule first allows: 0 minutes late.
        Assert.True(Regex.Matches(output, @"│ (\d{4}-\d\d-\d\d \d\d:\d\d) │ \1 │ 0 min │").Count == 5, output);
        Assert.Matches(@"dark .*resolved .*reported again after 12 h", Regex.Replace(output, @"\s*│\s*", " "));
    }
}
