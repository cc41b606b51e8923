using System.Text;
using BorderWatch.Ais;
using BorderWatch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BorderWatch.Tests.Browser;

/// <summary>Ten thousand vessels over AIS on the dashboard's canvas layer, moving, in a real Chromium.</summary>
[Collection(ServerCollection.Name)]
public sealed class VesselLayerTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const int Vessels = 10_000, Tankers = 100;
    private static readonly DateTimeOffset T0 = new(2023, 9, 11, 4, 0, 0, TimeSpan.Zero);

    /// <summary>Vessel i at round r: spread over the Central Mediterranean, each on its own course at 12 kn.</summary>
    private static IEnumerable<string> Round(int round, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var course = i * 37 % 360;
            var miles = 12.0 * round / 3600; // one round a second of event time
            var lat = 33 + i % 100 * 0.05 + miles / 60 * Math.Cos(course * Math.PI / 180);
            var lon = 10 + i / 100 * 0.1 + miles / 60 * Math.Sin(course * Math.PI / 180) / Math.Cos(lat * Math.PI / 180);
            var mmsi = i == 0 ? uint.Parse(ServerFixture.OwnVessel) : 300_000_000u + (uint)i;
            foreach (var line in AisWriter.Position(new PositionReport(1, mmsi, AisClass.A, 0, null, 12, true, lon, lat, course, course, null), T0.AddSeconds(round)))
                yield return line;
        }
    }

    private async Task PostAsync(string scenario, IEnumerable<string> lines)
    {
        using var response = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", new StringContent(string.Join('\n', lines), Encoding.ASCII, "text/plain"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ten_thousand_moving_vessels_are_drawn_and_filtered_by_kind_and_ship_type()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await using var browser = BrowserScript.Run("vessels-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(), Vessels.ToString());
        await browser.ReadAsync("ready");

        // A request brings at most 5,000 new vessels; a hundred of them say they are tankers.
        await PostAsync(scenario, Round(0, 0, Vessels / 2));
        await PostAsync(scenario, Round(0, Vessels / 2, Vessels / 2));
        var tankers = Enumerable.Range(1, Tankers).SelectMany(i =>
            AisWriter.Voyage(new StaticReport(5, 300_000_000u + (uint)i, AisClass.A) { Name = $"TANKER {i}", ShipType = 80 }, T0, i % 10));
        await PostAsync(scenario, tankers);

        using var moving = new CancellationTokenSource();
        var rounds = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var mover = Task.Run(async () =>
        {
            while (!moving.IsCancellationRequested) await PostAsync(scenario, Round(++rounds, 0, Vessels));
        });
        await browser.WriteAsync("moving");
        var report = await browser.ReadAsync("measured");
        moving.Cancel();
        await mover;

        output.WriteLine($"{report["fps"]!.GetValue<double>():0.0} frames/s while {Vessels:N0} vessels moved ({rounds * Vessels / clock.Elapsed.TotalSeconds:N0} positions/s), " +
                         $"longest frame gap {report["longestMs"]!.GetValue<double>():0} ms");
        Assert.Equal((Vessels, 1, Tankers), (report["drawn"]!.GetValue<int>(), report["ownOnly"]!.GetValue<int>(), report["tankers"]!.GetValue<int>()));
        Assert.Empty(report["problems"]!.AsArray());
    }
}
