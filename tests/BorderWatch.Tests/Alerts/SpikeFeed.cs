using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;

namespace BorderWatch.Tests.Alerts;

/// <summary>
/// A synthetic feed: 100 days of steady crossings at Pozzallo (central-med) and Lesvos (eastern-med), 400 persons
/// a day each, and four days of a surge at Pozzallo (days 85-88, 9,000 persons a day, spread over the hours).
/// </summary>
public static class SpikeFeed
{
    public static readonly DateTimeOffset Start = new(2023, 3, 1, 0, 0, 0, TimeSpan.Zero);
    public const int Days = 100, SurgeFrom = 85, SurgeTo = 88;

    public static DateTimeOffset Day(int day) => Start.AddDays(day);

    /// <summary>The feed's detections from day <paramref name="from"/> up to (not including) <paramref name="to"/>, in time order.</summary>
    public static List<(DateTimeOffset Time, string Line)> Lines(int from = 0, int to = Days)
    {
        var lines = new List<(DateTimeOffset, string)>();
        for (var day = from; day < to; day++)
        {
            for (var i = 0; i < 10; i++)
            {
                var time = Day(day).AddHours(2 * i);
                lines.Add((time, ApiClient.Detection($"bg-cm-{day}-{i}", time, 36.73, 14.85, 40)));
                lines.Add((time, ApiClient.Detection($"bg-em-{day}-{i}", time.AddMinutes(5), 39.11, 26.55, 40)));
            }
            if (day is < SurgeFrom or > SurgeTo) continue;
            for (var i = 0; i < 90; i++)
                lines.Add((Day(day).AddMinutes(16 * i), ApiClient.Detection($"surge-{day}-{i}", Day(day).AddMinutes(16 * i), 36.70, 14.80, 100)));
        }
        return [.. lines.OrderBy(l => l.Item1)];
    }

    public static async Task PostAsync(HttpClient http, string scenario, IEnumerable<string> lines, int batch = 1000)
    {
        foreach (var chunk in lines.Chunk(batch))
        {
            using var response = await http.PostNdjsonAsync($"/api/detections?scenario={scenario}", chunk);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Posts the feed up to the surge's last day; returns the scenario's alerts once its route alert is firing.</summary>
    public static async Task<JsonArray> SurgeAsync(HttpClient http, string scenario)
    {
        await PostAsync(http, scenario, Lines(0, SurgeTo + 1).Select(l => l.Line));
        return await SettledAlertsAsync(http, scenario, a => a.Route().Any());
    }

    /// <summary>The scenario's alerts once evaluation has caught up: two readings a second apart agree and satisfy <paramref name="until"/>.</summary>
    public static async Task<JsonArray> SettledAlertsAsync(HttpClient http, string scenario, Func<JsonArray, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? previous = null;
        while (true)
        {
            var text = (await http.GetJsonAsync($"/api/alerts?scenario={scenario}"))["alerts"]!.ToJsonString();
            var alerts = JsonNode.Parse(text)!.AsArray();
            if (text == previous && until(alerts)) return alerts;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Alerts did not settle as expected: {text}");
            previous = text;
            await Task.Delay(1000);
        }
    }

    public static IEnumerable<JsonNode> Route(this JsonArray alerts) => alerts.Select(a => a!).Where(a => a["target"]!.GetValue<string>() == "route");

    public static string Text(this JsonNode node, string name) => node[name]!.GetValue<string>();
}
