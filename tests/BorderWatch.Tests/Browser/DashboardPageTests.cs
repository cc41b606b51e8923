using System.Diagnostics;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Browser;

/// <summary>The dashboard in a real Chromium, driven by playwright-core (Browser/dashboard-check.mjs).</summary>
[Collection(ServerCollection.Name)]
public sealed class DashboardPageTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_page_draws_the_sectors_and_a_posted_detection_changes_the_sector_counter_within_two_seconds()
    {
        var scenario = ClusterFixture.NewScenario();
        var screenshot = Path.Combine(Paths.Root, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await using var browser = BrowserScript.Start(new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}"), "central-med", "lampedusa", screenshot);

        var ready = await browser.ReadAsync("ready");
        Assert.Equal(46, ready["sectors"]!.GetValue<int>());
        Assert.True(ready["countries"]!.GetValue<int>() > 100, "the offline basemap drew the countries");
        Assert.Equal(("connected", "0"), (ready["connection"]!.GetValue<string>(), ready["counter"]!.GetValue<string>()));

        var t0 = new DateTimeOffset(2023, 9, 12, 6, 10, 0, TimeSpan.Zero);
        using var response = await fixture.Server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [ApiClient.Detection("b-1", t0, 35.50, 12.60, 42)]);
        Assert.True(response.IsSuccessStatusCode);
        await browser.WriteAsync("posted");

        var changed = await browser.ReadAsync("changed");
        Assert.Equal(("1", "42"), (changed["counter"]!.GetValue<string>(), changed["routeLastHour"]!.GetValue<string>()));
        Assert.True(changed["ms"]!.GetValue<int>() < 2000, $"the counter changed {changed["ms"]} ms after the POST was acknowledged");
        Assert.Empty(changed["problems"]!.AsArray());
        Assert.True(File.Exists(screenshot), "the screenshot is kept as a test artifact");
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

    public static BrowserScript Start(Uri page, string route, string sector, string screenshot)
    {
        var folder = Path.Combine(Paths.Root, "tests", "BorderWatch.Tests");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(folder, "Browser", "dashboard-check.mjs"), page.ToString(), route, sector, screenshot, Chromium })
            start.ArgumentList.Add(a);
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
