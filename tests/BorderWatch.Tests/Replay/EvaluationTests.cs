using System.Globalization;
using System.Text.RegularExpressions;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Replay.FeedFixtures;

namespace BorderWatch.Tests.Replay;

/// <summary>The labels `simulate` writes, and the scores `evaluate` (and `backtest`, by the same rule) compute from them.</summary>
public sealed partial class EvaluationTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Simulate_labels_what_it_put_in_the_feed_and_the_scores_follow_the_labels()
    {
        var dir = TempDirectory();
        var feed = Path.Combine(dir, "autumn.ndjson.gz");
        var (code, output) = await CliProcess.RunAsync(Minute, "simulate", "--from", "2023-07", "--to", "2023-10", "--routes", "central-med,western-med", "--out", feed);
        Assert.True(code == 0, output);

        var labels = Path.Combine(dir, "autumn.labels.csv");
        var rows = File.ReadLines(labels).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(rows, r => r[0] == "central-med" && r[1] == "2023-09-11" && r[2] == "2023-09-14" && r[3] == "surge");   // the Lampedusa landings
        Assert.All(rows, r => Assert.Contains(r[3], new[] { "surge", "rise", "spell", "calm" }));
        Assert.All(rows, r => Assert.True(string.CompareOrdinal(r[1], r[2]) <= 0 && string.CompareOrdinal(r[1], "2023-07-01") >= 0 && string.CompareOrdinal(r[2], "2023-10-31") <= 0, string.Join(',', r)));
        // Months of a route are calm or hold something, never both.
        Assert.All(rows.Where(r => r[3] == "calm"), calm => Assert.DoesNotContain(rows, r => r[0] == calm[0] && r[3] != "calm" && r[1][..7] == calm[1][..7]));

        var known = Path.Combine(dir, "known.csv");
        File.WriteAllLines(known, ["route,start,end,name", "central-med,2023-09-10,2023-09-16,Lampedusa"]);
        var scored = await Summary(feed, known);
        Assert.Equal("1/1", scored.Groups["caught"].Value);
        var alerts = int.Parse(scored.Groups["alerts"].Value, CultureInfo.InvariantCulture);
        Assert.True(alerts > 0);

        // Say every month was calm: no alert is on an event any more, and every one fired in a calm month.
        File.WriteAllLines(labels, ["route,start,end,kind,name", "central-med,2023-07-01,2023-10-31,calm,all calm", "western-med,2023-07-01,2023-10-31,calm,all calm"]);
        var calm = await Summary(feed, known);
        Assert.Equal(($"0/{alerts}", alerts.ToString(CultureInfo.InvariantCulture)), (calm.Groups["precision"].Value, calm.Groups["calm"].Value));
    }

    [Fact]
    public async Task On_weekly_series_an_outbreak_is_caught_and_scored_against_its_own_labels()
    {
        var dir = TempDirectory();
        var series = Path.Combine(dir, "series.csv");
        string Weeks(int outbreakFrom) => string.Join('\n', Enumerable.Range(0, 80).Select(w =>
            $"flat,{new DateOnly(2001, 1, 1).AddDays(7 * w):yyyy-MM-dd},{(w is >= 60 and < 64 ? 25 : 1 + w % 2)},{(w >= outbreakFrom && w < outbreakFrom + 4 ? 1 : 0)}"));
        File.WriteAllText(series, "series,week,count,outbreak\n" + Weeks(60));
        var (code, output) = await CliProcess.RunAsync(Minute, "evaluate", "--series", series);
        Assert.True(code == 0, output);
        Assert.Contains("recall=1.00 (1/1 events)", output);

        File.WriteAllText(series, "series,week,count,outbreak\n" + Weeks(20));   // the label moved where nothing happened
        (code, output) = await CliProcess.RunAsync(Minute, "evaluate", "--series", series);
        Assert.True(code == 0, output);
        Assert.Contains("recall=0.00 (0/1 events)", output);
    }

    private static async Task<Match> Summary(string feed, string known)
    {
        var (code, output) = await CliProcess.RunAsync(Minute, "evaluate", feed, "--known", known);
        Assert.True(code == 0, output);
        var match = SummaryLine().Match(output);
        Assert.True(match.Success, output);
        return match;
    }

    [GeneratedRegex(@"recall=\S+ \((?<caught>\d+/\d+) events\).* precision=\S+ \((?<precision>\d+/(?<alerts>\d+)) alerts on a labelled event\) calm-month alerts=(?<calm>\d+)")]
    private static partial Regex SummaryLine();
}
