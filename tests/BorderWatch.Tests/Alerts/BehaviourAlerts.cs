using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;

namespace BorderWatch.Tests.Alerts;

/// <summary>What the behaviour tests ask of the server: post positions, and read the alerts of one kind.</summary>
internal static class BehaviourAlerts
{
    public static async Task PostPositionsAsync(this HttpClient http, string scenario, IEnumerable<string> lines)
    {
        using var response = await http.PostNdjsonAsync($"/api/positions?scenario={scenario}", lines);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The scenario's alerts of <paramref name="kind"/>, by id.</summary>
    public static async Task<List<JsonNode>> AlertsOfKindAsync(this HttpClient http, string scenario, string kind) =>
        [.. (await http.GetJsonAsync($"/api/alerts?scenario={scenario}"))["alerts"]!.AsArray()
            .Where(a => a!["kind"]!.GetValue<string>() == kind).Select(a => a!.DeepClone()).OrderBy(a => a["id"]!.GetValue<string>())];
}
