using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BorderWatch.Tests.Security;

/// <summary>
/// Thousands of random mutations of valid records: the server never answers 5xx, and what it counts is exactly what
/// it said it accepted. The seed is fixed (and printed) so that a failure can be replayed.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class FuzzTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 20261125;
    private const int Batches = 40;
    private const int PerBatch = 100;
    private static readonly DateTimeOffset T0 = new(2023, 9, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Random_mutations_of_valid_records_never_get_a_server_error_and_counts_equal_the_accepted_records()
    {
        var random = new Random(Seed);
        var scenario = await fixture.Server.NewScenarioAsync();
        var http = fixture.Server.Http;
        var accepted = new Dictionary<string, int>();        // detection id -> persons, first accepted wins
        long acceptedDetections = 0, acceptedPositions = 0;
        var statuses = new SortedDictionary<int, int>();
        var fields = new SortedDictionary<string, int>();

        for (var batch = 0; batch < Batches; batch++)
        {
            var positions = batch % 4 == 3;
            var lines = Enumerable.Range(0, PerBatch).Select(i => Mutate(random, positions ? ValidPosition(batch, i) : ValidDetection(batch, i))).ToList();
            // Now and then an earlier line again: the same id with the same or another content.
            for (var i = 0; i < 5; i++) lines[random.Next(PerBatch)] = lines[random.Next(PerBatch)];

            // Every third batch starts with a byte-order mark, as some tools write it: not part of the first record.
            var text = (batch % 3 == 0 ? "\uFEFF" : "") + string.Join('\n', lines);
            using var response = await http.PostAsync($"/api/{(positions ? "positions" : "detections")}?scenario={scenario}",
                new StringContent(text, new UTF8Encoding(false), "application/x-ndjson"));
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status < 500, $"batch {batch} (seed {Seed}): {status} {body}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;

            var answer = JsonNode.Parse(body)!;
            var rejected = answer["rejected"]?.AsArray().Select(r => r!["line"]!.GetValue<int>()).ToHashSet() ?? [];
            foreach (var field in answer["rejected"]?.AsArray().Select(r => r!.Text("field")) ?? []) fields[field] = fields.GetValueOrDefault(field) + 1;
            var count = answer["accepted"]?.GetValue<int>() ?? 0;
            if (positions)
            {
                acceptedPositions += count;
                continue;
            }
            acceptedDetections += count;
            var fresh = 0;
            for (var line = 1; line <= lines.Count; line++)
            {
                if (rejected.Contains(line) || string.IsNullOrWhiteSpace(lines[line - 1])) continue; // blank lines are no records
                var record = JsonNode.Parse(lines[line - 1])!;
                if (accepted.TryAdd(record.Text("id"), record["persons"]!.GetValue<int>())) fresh++;
            }
            Assert.Equal(fresh, count);
        }

        output.WriteLine($"seed {Seed}: {Batches} batches of {PerBatch}; statuses {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value}"))}");
        output.WriteLine($"accepted {acceptedDetections} detections, {acceptedPositions} positions; rejected by field: {string.Join(", ", fields.Select(f => $"{f.Key} {f.Value}"))}");
        Assert.InRange(acceptedDetections, 300, Batches * PerBatch - 300); // the mutations neither all pass nor all fail

        var summary = await http.GetJsonAsync($"/api/scenarios/{scenario}");
        Assert.Equal((acceptedDetections, (long)accepted.Values.Sum(), acceptedPositions),
            (summary["detections"]!.GetValue<long>(), summary["persons"]!.GetValue<long>(), summary["positions"]!.GetValue<long>()));
    }

    private static JsonObject ValidDetection(int batch, int i) => new()
    {
        ["id"] = $"f-{batch}-{i}", ["time"] = T0.AddMinutes(batch * PerBatch + i).ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["lat"] = 35.5 + i % 7 * 0.1, ["lon"] = 12.6 + i % 5 * 0.1, ["persons"] = 1 + i % 40, ["kind"] = "boat",
    };

    private static JsonObject ValidPosition(int batch, int i) => new()
    {
        ["asset"] = $"fuzz-asset-{i % 10}", ["time"] = T0.AddMinutes(batch * PerBatch + i).ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["lat"] = 35.0 + i % 9 * 0.05, ["lon"] = 12.0 + i % 4 * 0.05, ["speedKn"] = 12.5, ["courseDeg"] = 90, ["kind"] = "vessel",
    };

    /// <summary>Leaves about a third of the records alone; the others lose a field, get a wild value, or have their text damaged.</summary>
    private static string Mutate(Random random, JsonObject record)
    {
        var names = record.Select(p => p.Key).ToArray();
        var name = names[random.Next(names.Length)];
        var original = record["id"]?.GetValue<string>();
        void Set(string field, JsonNode? value) =>
            // A wild string id stays unique, so that the test's own bookkeeping (first accepted copy of an id wins) holds.
            record[field] = field == "id" && value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0 ? $"{text}~{original}" : value;
        switch (random.Next(12))
        {
            case 0 or 1 or 2: break;
            case 3: record.Remove(name); break;
            case 4: Set(name, WildValue(random)); break;
            case 5: Set(name, WildValue(random)); Set(names[random.Next(names.Length)], WildValue(random)); break;
            case 6: record["extra-" + random.Next(100)] = WildValue(random); break;
            case 7:
            {
                var text = record.ToJsonString();
                return text[..random.Next(text.Length)];
            }
            case 8:
            {
                var text = new StringBuilder(record.ToJsonString());
                for (var k = 0; k < 1 + random.Next(3); k++) text[random.Next(text.Length)] = "{}[]\":,\\0aZ-.e \u0001\u00e9"[random.Next(17)];
                return text.ToString().Replace("\n", "");
            }
            case 9:
                // Every kind of JSON value in any field, the record type included.
                Set(random.Next(4) == 0 ? "type" : name, AnyKind(random));
                break;
            case 10:
            {
                // Unicode that JSON can carry but no string can, or should, hold: a lone surrogate escape, a NUL (as
                // an escape or a raw byte), a byte-order mark (at the line start or inside a value).
                var text = record.ToJsonString();
                var at = text.IndexOf("\":\"", StringComparison.Ordinal) is var quote and >= 0 ? quote + 3 : 1;
                var odd = new[] { "\\ud800", "\\udc00x", "\\u0000", "\u0000", "\uFEFF", "\uFFFE" }[random.Next(6)];
                return random.Next(4) == 0 ? "\uFEFF" + text : text.Insert(at, odd);
            }
            case 11: Set(name, AnyKind(random)); Set(names[random.Next(names.Length)], AnyKind(random)); break;
        }
        return record.ToJsonString();
    }

    /// <summary>One of each JSON value kind, so that every field meets a string, number, object, array, boolean and null.</summary>
    private static JsonNode? AnyKind(Random random) => random.Next(6) switch
    {
        0 => JsonValue.Create("text"),
        1 => JsonValue.Create(1),
        2 => new JsonObject { ["a"] = 1 },
        3 => new JsonArray("x"),
        4 => JsonValue.Create(false),
        _ => null,
    };

    private static JsonNode? WildValue(Random random) => random.Next(16) switch
    {
        0 => null,
        1 => true,
        2 => JsonValue.Create(random.NextDouble() * 1e6 - 5e5),
        3 => JsonValue.Create(double.MaxValue),
        4 => JsonValue.Create(long.MinValue),
        5 => JsonValue.Create(-0.0),
        6 => JsonValue.Create(random.Next(-200, 200)),
        7 => "NaN",
        8 => "",
        9 => new string('x', random.Next(100, 5000)),
        10 => "\u0000\u001b[31m\u202e",
        11 => DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(-62_135_596_800, 253_402_300_799)).ToString("o"),
        12 => "2023-09-12T06:00:00+14:00",
        13 => new JsonArray(1, "two", null),
        14 => JsonNode.Parse("{\"a\":{\"b\":{\"c\":[[[[1]]]]}}}"),
        _ => $"id-{random.NextInt64()}\ud83d\udea4",
    };
}
