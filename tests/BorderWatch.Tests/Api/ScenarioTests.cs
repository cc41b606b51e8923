using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Contracts;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Live;
using Microsoft.AspNetCore.SignalR;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Api;

/// <summary>Scenarios are made explicitly; records and reads of any other name are refused; quotas hold per scenario.</summary>
[Collection(ServerCollection.Name)]
public sealed class ScenarioTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task A_scenario_is_created_by_an_operator_once_and_listed_with_its_description()
    {
        var name = ClusterFixture.NewScenario();
        using var operatorHttp = fixture.Server.ClientWith(TestKeys.Operator);
        using (var created = await operatorHttp.PostAsJsonAsync("/api/scenarios", new { name, description = "Exercise Poseidon, night 2" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal($"/api/scenarios/{name}", created.Headers.Location?.OriginalString);
        }
        using (var again = await operatorHttp.PostAsJsonAsync("/api/scenarios", new { name, description = "again" }))
            Assert.Equal((HttpStatusCode.Conflict, "name"), (again.StatusCode, (await again.JsonAsync()).Text("field")));

        var summary = await Http.GetJsonAsync($"/api/scenarios/{name}");
        Assert.Equal(("Exercise Poseidon, night 2", 0L), (summary.Text("description"), summary["detections"]!.GetValue<long>()));
        var listed = (await Http.GetJsonAsync("/api/scenarios")).AsArray().Single(s => s!.Text("name") == name)!;
        Assert.Equal("Exercise Poseidon, night 2", listed.Text("description"));
        Assert.Contains((await Http.GetJsonAsync("/api/scenarios")).AsArray(), s => s!.Text("name") == Scenarios.Live);
    }

    [Fact]
    public async Task Creating_a_scenario_refuses_feeders_other_scopes_bad_names_and_long_descriptions()
    {
        using var feeder = fixture.Server.ClientWith(TestKeys.Feeder);
        using (var refused = await feeder.PostAsJsonAsync("/api/scenarios", new { name = ClusterFixture.NewScenario(), description = "" }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var scoped = fixture.Server.ClientWith(TestKeys.Scoped);
        using (var refused = await scoped.PostAsJsonAsync("/api/scenarios", new { name = ClusterFixture.NewScenario(), description = "" }))
            Assert.Equal((HttpStatusCode.Forbidden, "name"), (refused.StatusCode, (await refused.JsonAsync()).Text("field")));
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { name = "Has Capitals", description = "" }, "name"),
                     (new { name = "../etc", description = "" }, "name"),
                     (new { description = "no name" }, "name"),
                     (new { name = ClusterFixture.NewScenario(), description = new string('x', 501) }, "description"),
                 })
        {
            using var response = await Http.PostAsJsonAsync("/api/scenarios", body);
            Assert.Equal((HttpStatusCode.BadRequest, field), (response.StatusCode, (await response.JsonAsync()).Text("field")));
        }
    }

    [Fact]
    public async Task Records_reads_and_subscriptions_naming_an_unknown_scenario_get_404_and_wake_no_grain()
    {
        var made_up = ClusterFixture.NewScenario();
        using (var response = await Http.PostNdjsonAsync($"/api/detections?scenario={made_up}", [Detection("u-1", T0, 35.5, 12.6, 3)]))
            await AssertUnknownAsync(response, made_up);
        using (var response = await Http.PostNdjsonAsync($"/api/positions?scenario={made_up}",
                   [JsonSerializer.Serialize(new { asset = "boat-1", time = T0, lat = 35.5, lon = 12.6 })]))
            await AssertUnknownAsync(response, made_up);
        foreach (var path in new[] { "/api/routes", "/api/sectors", "/api/alerts", "/api/assets", "/api/silences" })
        {
            using var response = await Http.GetAsync($"{path}?scenario={made_up}");
            await AssertUnknownAsync(response, made_up);
        }
        foreach (var path in new[] { $"/api/scenarios/{made_up}", $"/api/scenarios/{made_up}/records" })
        {
            using var response = await Http.GetAsync(path);
            await AssertUnknownAsync(response, made_up);
        }
        await using (var dashboard = await DashboardClient.SubscribeAsync(fixture.Server.Address, new Subscription(TestKeys.ScopedScenario)))
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => dashboard.SubscribeAsync(new Subscription(made_up)));
            Assert.Contains($"there is no scenario '{made_up}'", refused.Message);
        }

        var activations = await Http.GetJsonAsync($"/api/diagnostics/activations?of={made_up}");
        Assert.Empty(activations.AsObject());

        // Once created, the same name works, and its grains are there to be seen.
        await Http.CreateScenarioAsync(made_up);
        using (var accepted = await Http.PostNdjsonAsync($"/api/detections?scenario={made_up}", [Detection("u-1", T0, 35.5, 12.6, 3)]))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.NotEmpty((await Http.GetJsonAsync($"/api/diagnostics/activations?of={made_up}")).AsObject());
    }

    private static async Task AssertUnknownAsync(HttpResponseMessage response, string name)
    {
        var problem = await response.JsonAsync();
        Assert.Equal((HttpStatusCode.NotFound, "scenario"), (response.StatusCode, problem.Text("field")));
        Assert.Contains($"no scenario '{name}'", problem.Text("detail"));
    }

    [Fact]
    public async Task A_deleted_scenario_refuses_records_until_it_is_made_again()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        Assert.True((await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("g-1", T0, 35.5, 12.6, 3)])).IsSuccessStatusCode);
        using (var deleted = await Http.DeleteAsync($"/api/scenarios/{scenario}")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var refused = await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("g-2", T0, 35.5, 12.6, 3)]))
            await AssertUnknownAsync(refused, scenario);

        await Http.CreateScenarioAsync(scenario);
        Assert.Equal((0L, 0L), await Http.RouteTotalAsync(scenario, "central-med"));
    }

    [Fact]
    public async Task Live_always_exists_and_deleting_it_keeps_it()
    {
        // No test writes to live on the shared server, so deleting it takes nothing from another test.
        using (var refused = await Http.DeleteAsync($"/api/scenarios/{Scenarios.Live}")) Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using (var deleted = await Http.DeleteAsync($"/api/scenarios/{Scenarios.Live}?confirmLive=true")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var routes = await Http.GetAsync("/api/routes")) Assert.Equal(HttpStatusCode.OK, routes.StatusCode);
        using (var again = await Http.PostAsJsonAsync("/api/scenarios", new { name = Scenarios.Live, description = "" }))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Quotas_refuse_assets_line_by_line_and_scenarios_by_name_and_expensive_reads_wait_their_turn_per_key()
    {
        await using var azurite = await AzuriteInstance.StartAsync(); // its own registry: the shared one holds every other test's scenarios
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString, new Dictionary<string, string>
        {
            ["BorderWatch:Quotas:Assets"] = "10",
            ["BorderWatch:Quotas:NewAssetsPerRequest"] = "4",
            ["BorderWatch:Quotas:Scenarios"] = "3",
            ["BorderWatch:Limits:ExpensiveReadsPerKey"] = "1",
        });
        var scenario = await server.NewScenarioAsync();
        string Report(string asset, int minute) => JsonSerializer.Serialize(new { asset, time = T0.AddMinutes(minute), lat = 35.5, lon = 12.6, kind = "vessel" });
        async Task<JsonNode> PostAsync(IEnumerable<string> lines)
        {
            using var response = await server.Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", lines);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.JsonAsync();
        }

        // Six new assets in one request: four are taken, the last two refused on their lines, and may come again.
        var first = await PostAsync(Enumerable.Range(0, 6).Select(i => Report($"boat-{i}", 0)));
        Assert.Equal(4, first["accepted"]!.GetValue<int>());
        Assert.Equal([5, 6], first["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()));
        Assert.All(first["rejected"]!.AsArray(), r => Assert.Equal(("asset", true), (r!.Text("field"), r!.Text("error").Contains("NewAssetsPerRequest"))));
        Assert.Equal(2, (await PostAsync([Report("boat-4", 0), Report("boat-5", 0)]))["accepted"]!.GetValue<int>());

        // Ten in all: of six more, four are taken, two refused for the scenario's quota; known assets still report.
        var full = await PostAsync(Enumerable.Range(6, 6).Select(i => Report($"boat-{i}", 0)).Append(Report("boat-0", 1)));
        Assert.Equal(5, full["accepted"]!.GetValue<int>());
        Assert.All(full["rejected"]!.AsArray(), r => Assert.Contains("holds 10 assets, its quota", r!.Text("error")));
        Assert.Equal(["boat-10", "boat-11"], full["rejected"]!.AsArray().Select(r => r!.Text("id")));

        // Three scenarios: live, the one above and one more.
        await server.Http.CreateScenarioAsync(ClusterFixture.NewScenario());
        using (var over = await server.Http.PostAsJsonAsync("/api/scenarios", new { name = ClusterFixture.NewScenario(), description = "" }))
        {
            var problem = await over.JsonAsync();
            Assert.Equal((HttpStatusCode.Conflict, "name"), (over.StatusCode, problem.Text("field")));
            Assert.Contains("quota", problem.Text("detail"));
        }

        // One expensive read at a time per key, one more waiting: of twenty at once, some are refused with 429,
        // while another key is served meanwhile.
        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await server.Http.GetAsync($"/api/scenarios/{scenario}/records");
            return response.StatusCode;
        }).Append(Task.Run(async () =>
        {
            using var other = server.ClientWith(TestKeys.Operator);
            using var response = await other.GetAsync("/api/scenarios");
            return response.StatusCode;
        })));
        Assert.Contains(HttpStatusCode.TooManyRequests, reads[..20]);
        Assert.Contains(HttpStatusCode.OK, reads[..20]);
        Assert.Equal(HttpStatusCode.OK, reads[20]);
    }
}
