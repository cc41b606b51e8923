using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BorderWatch.Tests.Api;

/// <summary>Small helpers to talk to the server as a feeder or a dashboard would.</summary>
public static class ApiClient
{
    /// <summary>Creates a scenario (the client needs an operator or admin key), as anyone must before records go into it.</summary>
    public static async Task CreateScenarioAsync(this HttpClient http, string name)
    {
        using var response = await http.PostAsJsonAsync("/api/scenarios", new { name, description = "made by a test" });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"POST /api/scenarios {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static Task<HttpResponseMessage> PostNdjsonAsync(this HttpClient http, string path, IEnumerable<string> lines) =>
        http.PostAsync(path, new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "application/x-ndjson"));

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    public static string Detection(string id, DateTimeOffset time, double lat, double lon, int persons) =>
        JsonSerializer.Serialize(new { id, time = time.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat, lon, persons, kind = "boat" });

    /// <summary>A position line (NDJSON) of an asset at a place, under way.</summary>
    public static string Position(string asset, string kind, (double Lat, double Lon) where, DateTimeOffset time, double speedKn = 10, double courseDeg = 45) =>
        JsonSerializer.Serialize(new { asset, kind, time = time.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat = where.Lat, lon = where.Lon, speedKn, courseDeg });

    /// <summary>All-time (detections, persons) of one route in a scenario, read through GET /api/routes.</summary>
    public static async Task<(long Detections, long Persons)> RouteTotalAsync(this HttpClient http, string scenario, string route)
    {
        var routes = await http.GetJsonAsync($"/api/routes?scenario={scenario}");
        var total = routes["routes"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == route)!["allTime"]!;
        return (total["detections"]!.GetValue<long>(), total["persons"]!.GetValue<long>());
    }
}
