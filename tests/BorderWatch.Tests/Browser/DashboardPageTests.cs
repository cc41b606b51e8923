using System.Diagnostics;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Browser;

/// <summary>The dashboard in a real Chromium, driven by playwright-core (Browser/dashboard-check.mjs).</summary>
[Collection(ServerCollection.Name)]
public sealed class DashboardPageTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 10, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_page_draws_the_sectors_and_a_posted_detection_changes_the_sector_counter_within_two_seconds()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var screenshot = Path.Combine(Paths.Root, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await using var browser = BrowserScript.Start(new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}"), "central-med", "lampedusa", screenshot);

        var ready = await browser.ReadAsync("ready");
        Assert.Equal(46, ready["sectors"]!.GetValue<int>());
        Assert.True(ready["countries"]!.GetValue<int>() > 100, "the offline basemap drew the countries");
        Assert.Equal(("connected", "0"), (ready["connection"]!.GetValue<string>(), ready["counter"]!.GetValue<string>()));

        var changed = await PostAndWatchAsync(browser, scenario, "b-1");
        Assert.Equal(("1", "42"), (changed["counter"]!.GetValue<string>(), changed["routeLastHour"]!.GetValue<string>()));
        Assert.True(File.Exists(screenshot), "the screenshot is kept as a test artifact");

        // Feeder text is text: markup in an asset's id and kind shows as written, and nothing of it runs or styles the page.
        const string asset = "<b class=\"bw-injected\">boat</b><style>body{display:none}</style>";
        const string kind = "<img class=\"bw-injected\" src=x>";
        var position = System.Text.Json.JsonSerializer.Serialize(new { asset, kind, time = T0.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat = 35.5, lon = 12.6, speedKn = 4, courseDeg = 90 });
        using (var posted = await fixture.Server.Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", [position]))
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        await browser.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { asset }));
        var tooltip = await browser.ReadAsync("tooltip");
        Assert.Contains($"{asset} ({kind}), 4 kn", tooltip["text"]!.GetValue<string>());
        Assert.All(tooltip["elements"]!.AsArray(), e => Assert.Contains(e!.GetValue<string>(), new[] { "span", "br" }));
        Assert.Equal(0, tooltip["injected"]!.GetValue<int>());
        Assert.Empty(tooltip["problems"]!.AsArray()); // no Content Security Policy violation either
    }

    [Fact]
    public async Task A_key_scoped_to_one_exercise_opens_the_page_on_it_and_sees_it_live()
    {
        var screenshot = Path.Combine(Paths.Root, "TestResults", "dashboard-scoped.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await using var browser = BrowserScript.Start(new Uri(fixture.Server.Address, $"/#key={TestKeys.Scoped}"), "central-med", "lampedusa", screenshot);

        var ready = await browser.ReadAsync("ready");
        Assert.Equal((46, TestKeys.ScopedScenario, "connected"),
            (ready["sectors"]!.GetValue<int>(), ready["scenario"]!.GetValue<string>(), ready["connection"]!.GetValue<string>()));
        var before = int.Parse(ready["counter"]!.GetValue<string>());

        var changed = await PostAndWatchAsync(browser, TestKeys.ScopedScenario, $"scoped-{Guid.NewGuid():N}");
        Assert.Equal(before + 1, int.Parse(changed["counter"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_API_reference_page_shows_every_operation_from_the_servers_own_files_with_the_tabs_key()
    {
        await using var browser = BrowserScript.Run("reference-check.mjs", new Uri(fixture.Server.Address, $"/reference/#key={TestKeys.Operator}").ToString());
        var report = await browser.ReadAsync("shown");
        Assert.StartsWith("BorderWatch", report["title"]!.GetValue<string>());
        var paths = report["paths"]!.AsArray().Select(p => p!.GetValue<string>().Replace("\u200b", "")).ToList();
        Assert.Contains("/api/detections", paths);
        Assert.Contains("/api/scenarios/{name}/records", paths);
        Assert.Empty(report["problems"]!.AsArray()); // no CSP violation, no request off the server
    }

    /// <summary>Posts a detection of 42 in Lampedusa and returns what the page showed once its counter changed.</summary>
    private async Task<System.Text.Json.Nodes.JsonNode> PostAndWatchAsync(BrowserScript browser, string scenario, string id)
    {
        using var response = await fixture.Server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [ApiClient.Detection(id, T0, 35.50, 12.60, 42)]);
        Assert.True(response.IsSuccessStatusCode);
        await browser.WriteAsync("posted");
        var changed = await browser.ReadAsync("changed");
        Assert.True(changed["ms"]!.GetValue<int>() < 2000, $"the counter changed {changed["ms"]} ms after the POST was acknowledged");
        Assert.Empty(changed["problems"]!.AsArray());
        return changed;
    }
}

/// <summary>Runs dashboard-check.mjs under Node and exchanges its JSON lines; kills it when done.</summary>
internal sealed class BrowserScript : IAsyncDisposable
{
    private readonly Process _process;

    private BrowserScript(Process process) => _process = process;

    /// <summary>Debian's chromium, or the one BORDERWATCH_CHROMIUM names. Missing, the test fails: it is never skipped.</summary>
    public static string Chromium
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("BORDERWATCH_CHROMIUM") ?? "/usr/bin/chromium";
            return File.Exists(path) ? path : throw new InvalidOperationException(
                $"No Chromium at {path}: install Debian's (apt-get install -y chromium) or set BORDERWATCH_CHROMIUM.");
        }
    }

    public static BrowserScript Start(Uri page, string route, string sector, string screenshot) =>
        Run("dashboard-check.mjs", page.ToString(), route, sector, screenshot);

    /// <summary>Runs a script of Browser/ with these arguments and the Chromium to drive.</summary>
    public static BrowserScript Run(string script, params string[] arguments)
    {
        var folder = Path.Combine(Paths.Root, "tests", "BorderWatch.Tests");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments.Prepend(Path.Combine(folder, "Browser", script)).Append(Chromium)) start.ArgumentList.Add(a);
        return new BrowserScript(Process.Start(start)!);
    }

    public async Task<JsonNode> ReadAsync(string expectedEvent)
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                   ?? throw new InvalidOperationException("the browser script ended early");
        var message = JsonNode.Parse(line)!;
        Assert.True(message["event"]!.GetValue<string>() == expectedEvent, $"expected '{expectedEvent}', the browser script said: {line}");
        return message;
    }

    public async Task WriteAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
