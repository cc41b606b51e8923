using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Api;

/// <summary>POST /api/ais on the real server: a receiver's log in, vessels out as assets.</summary>
[Collection(ServerCollection.Name)]
public sealed class AisApiTests(ServerFixture fixture)
{
    private static StringContent Text(string body) => new(body, Encoding.UTF8, "text/plain");

    [Fact]
    public async Task A_receivers_log_becomes_vessels_at_their_tag_block_times_and_a_second_post_counts_once()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var log = await File.ReadAllTextAsync(Path.Combine(Paths.Reference, "ais", "kystverket-1000.nm4"));
        JsonNode first;
        using (var response = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", Text(log)))
        {
            first = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.StatusCode == HttpStatusCode.OK, first.ToJsonString());
        }
        Assert.Equal(log.Split('\n').Count(l => l.Trim().Length > 0), first["sentences"]!.GetValue<int>());
        Assert.Empty(first["rejected"]!.AsArray());
        var accepted = first["accepted"]!.GetValue<int>();
        Assert.True(accepted > 500, first.ToJsonString());

        // Sent again (a retry): the same vessels at the same tag-block times count once.
        using (var again = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", Text(log)))
        {
            var second = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
            Assert.Equal((0, accepted), (second["accepted"]!.GetValue<int>(), second["duplicates"]!.GetValue<int>()));
        }

        // The vessel of the log's first line, at its tag-block time.
        var track = await fixture.Server.Http.GetJsonAsync($"/api/assets/257591700/track?scenario={scenario}");
        Assert.Equal("vessel", track["kind"]!.GetValue<string>());
        var times = track["points"]!.AsArray().Select(p => p!["time"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Contains(DateTimeOffset.FromUnixTimeSeconds(1565218798), times);
    }

    [Fact]
    public async Task Lines_that_make_no_message_are_refused_each_with_its_reason()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var body = "hello\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n";
        using (var mixed = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", Text(body)))
        {
            var answer = JsonNode.Parse(await mixed.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
            Assert.Equal((3, 1, 1), (answer["sentences"]!.GetValue<int>(), answer["messages"]!.GetValue<int>(), answer["accepted"]!.GetValue<int>()));
            var rejected = answer["rejected"]!.AsArray().Select(r => (r!["line"]!.GetValue<int>(), r["error"]!.GetValue<string>())).ToList();
            Assert.Equal([(1, "not an AIS sentence (!..VDM or !..VDO)"), (2, "checksum: does not match")], rejected);
        }
        using (var garbage = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", Text("garbage\n")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
            Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType?.MediaType);
        }
        using var json = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }
}
