using System.Net;
using System.Net.Http.Json;

namespace BorderWatch.Cli;

/// <summary>Scenarios are made before records go into them (POST /api/scenarios, operator or admin key).</summary>
public static class ScenarioClient
{
    /// <summary>Makes the scenario; true if made now, false if it existed. Anything else is an error with the server's words.</summary>
    public static async Task<bool> CreateAsync(HttpClient http, string name, string description, CancellationToken cancellation = default)
    {
        using var response = await http.PostAsJsonAsync("/api/scenarios", new { name, description }, cancellation);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            using var existing = await http.GetAsync($"/api/scenarios/{name}", cancellation);
            if (existing.IsSuccessStatusCode) return false;
        }
        throw new HttpRequestException(
            $"Cannot create scenario {name}: POST /api/scenarios answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}",
            null, response.StatusCode);
    }
}
