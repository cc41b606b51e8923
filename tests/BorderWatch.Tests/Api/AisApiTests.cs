using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BorderWatch.Ais;
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

    [Fact]
    public async Task What_vessels_say_of_themselves_is_kept_on_their_assets_and_the_own_fleet_goes_by_its_name()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var log = await File.ReadAllTextAsync(Path.Combine(Paths.Reference, "ais", "kystverket-1000.nm4"));
        using (var response = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", Text(log)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // What the log says, read with the decoder: each vessel's last static report, and the vessels that also report a position.
        var reader = new AisReader(TimeSpan.FromSeconds(10));
        var described = new Dictionary<string, StaticReport>();
        var located = new HashSet<string>();
        foreach (var line in log.Split('\n'))
        {
            var result = reader.Read(line.TrimEnd('\r'), DateTimeOffset.UtcNow);
            if (result.Status != ReadStatus.Message) continue;
            if (result.Message.Static is { } s) described[s.Mmsi.ToString()] = s;
            if (result.Message.Position is { Lat: not null, Lon: not null } p) located.Add(p.Mmsi.ToString());
        }
        var expected = described.Where(d => located.Contains(d.Key) && d.Key != ServerFixture.OwnVessel).ToList();
        Assert.True(expected.Count > 30, $"{expected.Count} vessels with both");

        // The listing (the index trails ingest by a publish round) and each asset on its own.
        await Eventually.HoldsAsync(async () =>
        {
            var listed = (await fixture.Server.Http.GetJsonAsync($"/api/assets?scenario={scenario}"))["features"]!.AsArray()
                .ToDictionary(f => f!["id"]!.GetValue<string>(), f => f!["properties"]!["vessel"]);
            return expected.All(e => listed.GetValueOrDefault(e.Key)?["name"]?.GetValue<string>() == e.Value.Name);
        }, "every vessel's name in GET /api/assets");
        foreach (var (mmsi, report) in expected.Where(e => e.Value.Type == 5).Take(5))
        {
            var vessel = (await fixture.Server.Http.GetJsonAsync($"/api/assets/{mmsi}?scenario={scenario}"))["properties"]!["vessel"]!;
            Assert.Equal((report.Name, report.CallSign, report.Destination, report.ShipTypeText, "A"),
                (vessel["name"]?.GetValue<string>(), vessel["callSign"]?.GetValue<string>(), vessel["destination"]?.GetValue<string>(),
                 vessel["shipTypeText"]?.GetValue<string>(), vessel["class"]!.GetValue<string>()));
            Assert.Equal(report.ToBow + report.ToStern, vessel["lengthM"]?.GetValue<int>());
        }

        var own = (await fixture.Server.Http.GetJsonAsync($"/api/assets/{ServerFixture.OwnVessel}?scenario={scenario}"))["properties"]!;
        Assert.Equal(("patrol", ServerFixture.OwnVesselName), (own["kind"]!.GetValue<string>(), own["vessel"]!["name"]!.GetValue<string>()));
        using var unknown = await fixture.Server.Http.GetAsync($"/api/assets/999999999?scenario={scenario}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
