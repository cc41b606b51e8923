using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Replay.FeedFixtures;

namespace BorderWatch.Tests.Replay;

/// <summary>`borderwatch replay`, `simulate` and `export` as processes against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class ReplayTests(ServerFixture fixture)
{
    private static readonly TimeSpan Minutes3 = TimeSpan.FromMinutes(3);
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task A_replayed_generated_feed_gives_the_route_and_month_totals_simulate_printed()
    {
        var dir = TempDirectory();
        var feed = Path.Combine(dir, "cm-eb.ndjson.gz");
        var (code, printed) = await CliProcess.RunAsync(Minutes3, "simulate", "--from", "2023-08", "--to", "2023-09",
            "--routes", "central-med,eastern-borders", "--seed", "7", "--out", feed);
        Assert.True(code == 0, printed);
        var totals = Totals(Path.Combine(dir, "cm-eb.totals.csv"));
        Assert.Contains($"of {totals.Values.Sum(t => t.Persons):N0} persons", printed);
        Assert.Equal(19_209, totals[("central-med", "2023-09")].Persons); // Frontex: Central Mediterranean, September 2023

        var scenario = ClusterFixture.NewScenario();
        (code, var output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--scenario", scenario, "--url", Url(fixture));
        Assert.True(code == 0, output);
        Assert.Contains($"accepted={totals.Values.Sum(t => t.Detections + t.Positions)} duplicates=0 rejected=0", output);

        foreach (var route in new[] { "central-med", "eastern-borders" })
        {
            var counted = await MonthlyAsync(Http, scenario, route, new(2023, 8, 1, 0, 0, 0, TimeSpan.Zero), new(2023, 10, 1, 0, 0, 0, TimeSpan.Zero));
            foreach (var month in new[] { "2023-08", "2023-09" })
                Assert.Equal((totals[(route, month)].Detections, totals[(route, month)].Persons), counted[month]);
        }
    }

    [Fact]
    public async Task A_replayed_NMEA_log_gives_the_same_vessels_as_posting_it()
    {
        var log = Path.Combine(Paths.Reference, "ais", "kystverket-1000.nm4");
        var posted = await fixture.Server.NewScenarioAsync();
        using (var response = await Http.PostAsync($"/api/ais?scenario={posted}", new StringContent(await File.ReadAllTextAsync(log), System.Text.Encoding.UTF8, "text/plain")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Gzipped, and in small batches, so that many batches end next to a multi-part message.
        var feed = Path.Combine(TempDirectory(), "kystverket.nm4.gz");
        await using (var gzip = new System.IO.Compression.GZipStream(File.Create(feed), System.IO.Compression.CompressionLevel.Fastest))
            await using (var source = File.OpenRead(log)) await source.CopyToAsync(gzip);
        var replayed = ClusterFixture.NewScenario();
        var (code, output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--batch", "37", "--scenario", replayed, "--url", Url(fixture));
        Assert.True(code == 0, output);
        Assert.Contains("rejected=0", output);

        async Task<List<string>> VesselsAsync(string scenario) =>
            [.. (await Api.ApiClient.GetJsonAsync(Http, $"/api/assets?scenario={scenario}"))["features"]!.AsArray()
                .Select(f => $"{f!["id"]} {f["properties"]!["time"]} {f["geometry"]!["coordinates"]!.ToJsonString()} {f["properties"]!["vessel"]?["name"]}")
                .Order()];
        var expected = await VesselsAsync(posted);
        Assert.True(expected.Count > 300, $"{expected.Count} vessels");
        await Eventually.HoldsAsync(async () => (await VesselsAsync(replayed)).SequenceEqual(expected), "the replayed scenario's vessels, positions and names equal the posted one's");
    }

    [Fact]
    public async Task Replay_at_speed_60_takes_a_sixtieth_of_the_feeds_span()
    {
        var feed = Detections(TempDirectory(), 13, TimeSpan.FromSeconds(15)); // 3 minutes of event time
        var clock = Stopwatch.StartNew();
        var (code, output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--speed", "60", "--scenario", ClusterFixture.NewScenario(), "--url", Url(fixture));
        Assert.True(code == 0, output);
        Assert.Contains("accepted=13 duplicates=0 rejected=0", output);
        // 3 s of pacing; the process start and the feed scan come on top.
        Assert.InRange(clock.Elapsed.TotalSeconds, 3.0, 3.0 + 10);
    }

    [Fact]
    public async Task From_and_to_cut_an_event_time_window()
    {
        var feed = Detections(TempDirectory(), 10, TimeSpan.FromMinutes(1)); // 06:00 ... 06:09
        var scenario = ClusterFixture.NewScenario();
        var (code, output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--scenario", scenario, "--from", "2023-09-12T06:02:00Z", "--to", "2023-09-12T06:05:00Z", "--url", Url(fixture));
        Assert.True(code == 0, output);
        Assert.Equal((3L, 3L + 4 + 5), await Api.ApiClient.RouteTotalAsync(Http, scenario, "central-med")); // persons are i + 1
    }

    [Fact]
    public async Task An_interrupted_replay_says_where_to_resume_and_the_resumed_one_counts_nothing_twice()
    {
        var feed = Detections(TempDirectory(), 120, TimeSpan.FromSeconds(5)); // 10 minutes: 10 s at speed 60
        var scenario = await fixture.Server.NewScenarioAsync(); // read while the replay runs: it exists from the start
        int code;
        string first;
        using (var replay = CliProcess.Start("replay", feed, "--speed", "60", "--scenario", scenario, "--url", Url(fixture)))
        {
            // Route counts, not the scenario's summary: the summary reads every member and is slow on a busy machine.
            await Eventually.HoldsAsync(async () => (await Api.ApiClient.RouteTotalAsync(Http, scenario, "central-med")).Detections >= 20, "the replay stored 20 detections");
            replay.Interrupt();
            code = await replay.WaitAsync(TimeSpan.FromSeconds(30));
            first = replay.Output;
        }
        Assert.True(code == 130, first);
        var resume = ResumeAfter().Match(first);
        Assert.True(resume.Success, first);
        var acceptedBefore = Accepted(first);
        Assert.InRange(acceptedBefore, 20, 119);

        (code, var second) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--scenario", scenario, "--resume-after", resume.Groups[1].Value, "--url", Url(fixture));
        Assert.True(code == 0, second);
        Assert.Equal(120, acceptedBefore + Accepted(second));
        Assert.Equal((120L, 120L * 121 / 2), await Api.ApiClient.RouteTotalAsync(Http, scenario, "central-med"));
    }

    [Fact]
    public async Task What_a_scenario_accepted_exports_as_a_feed_that_replays_to_the_same_counts_and_a_deleted_scenario_is_gone()
    {
        var dir = TempDirectory();
        var feed = Path.Combine(dir, "wm.ndjson");
        var (code, output) = await CliProcess.RunAsync(Minutes3, "simulate", "--from", "2023-09", "--to", "2023-09", "--routes", "western-med,black-sea", "--out", feed);
        Assert.True(code == 0, output);
        var source = ClusterFixture.NewScenario();
        (code, output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--scenario", source, "--url", Url(fixture));
        Assert.True(code == 0, output);

        var exported = Path.Combine(dir, "exported.ndjson.gz");
        (code, output) = await CliProcess.RunAsync(Minutes3, "export", "--scenario", source, "--route", "western-med", "--out", exported, "--url", Url(fixture));
        Assert.True(code == 0, output);
        var copy = ClusterFixture.NewScenario();
        (code, output) = await CliProcess.RunAsync(Minutes3, "replay", exported, "--scenario", copy, "--url", Url(fixture));
        Assert.True(code == 0, output);
        var original = await Api.ApiClient.RouteTotalAsync(Http, source, "western-med");
        Assert.True(original.Persons > 0);
        Assert.Equal(original, await Api.ApiClient.RouteTotalAsync(Http, copy, "western-med"));
        Assert.Equal((0L, 0L), await Api.ApiClient.RouteTotalAsync(Http, copy, "black-sea")); // --route kept the export to one route

        using (var delete = await Http.DeleteAsync($"/api/scenarios/{source}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await Http.GetAsync($"/api/scenarios/{source}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var routes = await Http.GetAsync($"/api/routes?scenario={source}")) Assert.Equal(HttpStatusCode.NotFound, routes.StatusCode);
        var names = (await Api.ApiClient.GetJsonAsync(Http, "/api/scenarios")).AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Contains(copy, names);
        Assert.DoesNotContain(source, names);
    }

    [Fact]
    public async Task A_replay_against_a_server_that_stays_down_stops_with_a_message_and_sends_nothing()
    {
        var feed = Detections(TempDirectory(), 5, TimeSpan.FromSeconds(1));
        var (code, output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--scenario", "nobody-home", "--retry-for", "2",
            "--url", $"http://127.0.0.1:{Paths.FreePort()}");
        Assert.True(code == 1, output);
        Assert.Contains("did not answer for 2 s", output);
    }

    [Fact]
    public async Task A_replay_waits_out_a_server_that_is_not_up_yet_and_delivers_everything_once()
    {
        var feed = Detections(TempDirectory(), 50, TimeSpan.FromSeconds(10));
        var port = Paths.FreePort();
        var scenario = ClusterFixture.NewScenario();
        using var replay = CliProcess.Start("replay", feed, "--scenario", scenario, "--batch", "10", "--retry-for", "120", "--url", $"http://127.0.0.1:{port}");
        await Eventually.HoldsAsync(() => Task.FromResult(replay.Output.Contains("retrying in")), "the tool says it retries");
        await using var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, port: port);
        var code = await replay.WaitAsync(Minutes3);
        Assert.True(code == 0, replay.Output);
        Assert.Contains("accepted=50 duplicates=0 rejected=0", replay.Output);
        Assert.Equal((50L, 50L * 51 / 2), await Api.ApiClient.RouteTotalAsync(server.Http, scenario, "central-med"));
    }

    [Fact]
    public async Task Lines_the_server_refuses_are_reported_with_file_and_line_and_the_rest_is_counted()
    {
        var dir = TempDirectory();
        var feed = Detections(dir, 3, TimeSpan.FromMinutes(1));
        File.AppendAllLines(feed, ["{not json", """{"type":"detection","id":"bad-lat","time":"2023-09-12T07:00:00Z","lat":95,"lon":12.6,"persons":1}"""]);
        var scenario = ClusterFixture.NewScenario();
        var (code, output) = await CliProcess.RunAsync(Minutes3, "replay", feed, "--scenario", scenario, "--url", Url(fixture));
        Assert.True(code == 2, output);
        Assert.Contains("accepted=3 duplicates=0 rejected=2", output);
        Assert.Contains("feed.ndjson:4: json", output);
        Assert.Contains("feed.ndjson:5: lat", output);
    }

    private static int Accepted(string output) => int.Parse(AcceptedCount().Match(output).Groups[1].Value);

    [GeneratedRegex(@"--resume-after (\S+)")]
    private static partial Regex ResumeAfter();

    [GeneratedRegex(@"accepted=(\d+)")]
    private static partial Regex AcceptedCount();
}
