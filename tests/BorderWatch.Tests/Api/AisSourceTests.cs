using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using BorderWatch.Ais;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Api;

/// <summary>The server's own AIS sources (BorderWatch:Ais:Sources): a TCP receiver it connects to, and a UDP port it listens on.</summary>
[Collection(ServerCollection.Name)]
public sealed class AisSourceTests(ServerFixture fixture)
{
    private static readonly string[] Log = [.. File.ReadAllLines(Path.Combine(Paths.Reference, "ais", "kystverket-1000.nm4")).Where(l => l.Length > 0)];

    /// <summary>What the lines hold, read with the decoder: the vessels with a position, and their distinct positions (vessel and time).</summary>
    private static (HashSet<string> Vessels, int Positions) Expected(IEnumerable<string> lines)
    {
        var reader = new AisReader(TimeSpan.FromMinutes(1));
        var positions = new HashSet<(uint, DateTimeOffset?)>();
        foreach (var line in lines)
            if (reader.Read(line, DateTimeOffset.UtcNow) is { Status: ReadStatus.Message, Message.Position: { Lat: not null, Lon: not null } p } result)
                positions.Add((p.Mmsi, result.Time));
        return ([.. positions.Select(p => p.Item1.ToString())], positions.Count);
    }

    private async Task<JsonNode> SourceAsync(string scenario) =>
        (await fixture.Server.Http.GetJsonAsync("/api/ais/sources")).AsArray().Single(s => s!["scenario"]!.GetValue<string>() == scenario)!;

    private async Task<HashSet<string>> AssetsAsync(string scenario) =>
        [.. (await fixture.Server.Http.GetJsonAsync($"/api/assets?scenario={scenario}"))["features"]!.AsArray().Select(f => f!["id"]!.GetValue<string>())];

    private static async Task<TcpClient> AcceptAsync(TcpListener listener) =>
        await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_tcp_source_that_drops_in_the_middle_of_a_sentence_comes_back_and_loses_no_complete_message()
    {
        // Cut in the middle of a one-part sentence halfway through the log.
        var cut = Array.FindIndex(Log, Log.Length / 2, l => l.Contains(",1,1,"));
        using (var first = await AcceptAsync(fixture.AisReceiver))
        {
            var sent = string.Join('\n', Log[..cut]) + "\n" + Log[cut][..(Log[cut].Length / 2)];
            await first.GetStream().WriteAsync(Encoding.ASCII.GetBytes(sent));
        }
        // The server connects again by itself (its first wait is about a second).
        using var second = await AcceptAsync(fixture.AisReceiver);
        await second.GetStream().WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", Log[(cut + 1)..]) + "\r\n"));

        var expected = Expected(Log[..cut].Concat(Log[(cut + 1)..]));
        var scenario = ServerFixture.AisTcpScenario;
        await Eventually.HoldsAsync(async () => (await SourceAsync(scenario))["accepted"]!.GetValue<long>() == expected.Positions,
            $"the source's {expected.Positions} distinct positions accepted");
        var status = await SourceAsync(scenario);
        Assert.Equal(("tcp", true, 2, Log.Length - 1), (status["kind"]!.GetValue<string>(), status["connected"]!.GetValue<bool>(),
            status["connections"]!.GetValue<int>(), status["sentences"]!.GetValue<int>()));
        Assert.Equal(1, status["errors"]!["cut"]!.GetValue<int>());
        Assert.Equal("test receiver", status["name"]!.GetValue<string>());
        await Eventually.HoldsAsync(async () => (await AssetsAsync(scenario)).SetEquals(expected.Vessels), "the log's vessels as the scenario's assets");
    }

    [Fact]
    public async Task A_udp_source_takes_datagrams_of_sentences()
    {
        var scenario = ServerFixture.AisUdpScenario;
        await Eventually.HoldsAsync(async () => (await SourceAsync(scenario))["connected"]!.GetValue<bool>(), "the UDP source listening");
        using var udp = new UdpClient();
        udp.Connect("127.0.0.1", fixture.AisUdpPort);
        // Datagrams of 20 sentences, the last without its line end, as receivers send them.
        foreach (var chunk in Log.Chunk(20)) await udp.SendAsync(Encoding.ASCII.GetBytes(string.Join('\n', chunk)));

        var expected = Expected(Log);
        await Eventually.HoldsAsync(async () => (await SourceAsync(scenario))["accepted"]!.GetValue<long>() == expected.Positions,
            $"the log's {expected.Positions} distinct positions accepted");
        var status = await SourceAsync(scenario);
        Assert.Equal(("udp", Log.Length), (status["kind"]!.GetValue<string>(), status["sentences"]!.GetValue<int>()));
        Assert.Null(status["errors"]!["checksum"]); // the log's last messages may lack parts: "incomplete" once they time out
        await Eventually.HoldsAsync(async () => (await AssetsAsync(scenario)).SetEquals(expected.Vessels), "the log's vessels as the scenario's assets");
    }
}
