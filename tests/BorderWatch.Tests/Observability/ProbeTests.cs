using System.Net;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Observability;

/// <summary>The probes an orchestrator asks, with storage there, gone, and back.</summary>
[Collection(ServerCollection.Name)]
public sealed class ProbeTests
{
    [Fact]
    public async Task Ready_says_which_part_is_missing_while_storage_is_down_and_live_stays_200()
    {
        await using var azurite = await AzuriteInstance.StartAsync(onDisk: true);
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString);
        using var probe = new HttpClient { BaseAddress = server.Address }; // no key: probes have none

        var ready = await ReadyAsync(probe);
        Assert.Equal((HttpStatusCode.OK, "Healthy", "ready", "ready"), (ready.Status, ready.Text("status"), ready.Part("storage"), ready.Part("cluster")));
        Assert.StartsWith("ready: 46 sectors", ready.Part("catalogue"));

        await azurite.StopAsync();
        await Eventually.HoldsAsync(async () => (await ReadyAsync(probe)).Status == HttpStatusCode.ServiceUnavailable, "ready turns 503 without storage", 40);
        var down = await ReadyAsync(probe);
        Assert.StartsWith("not ready", down.Part("storage"));
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);

        await azurite.StartAgainAsync();
        await Eventually.HoldsAsync(async () => (await ReadyAsync(probe)).Status == HttpStatusCode.OK, "ready again once storage is back", 60);
    }

    private sealed record Answer(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)
    {
        public string Text(string name) => Body[name]!.GetValue<string>();
        public string Part(string name) => Body["parts"]![name]!.GetValue<string>();
    }

    private static async Task<Answer> ReadyAsync(HttpClient probe)
    {
        using var response = await probe.GetAsync("/health/ready");
        return new Answer(response.StatusCode, await response.JsonAsync());
    }
}
