using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Security;

/// <summary>
/// Malformed, hostile and oversized input: each case gets a clear answer naming the field (and line), the server
/// stays up, and only the good records in it count.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HostileInputTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
    private static readonly string Good = Detection("good-1", T0, 35.5, 12.6, 7);

    private static string Record(string fields) => "{" + fields + "}";
    private const string Base = "\"time\":\"2023-09-12T06:00:00Z\",\"lat\":35.5,\"lon\":12.6,\"persons\":3";

    /// <summary>name, body (NDJSON unless it starts with '['), expected status, field named, good records counted.</summary>
    public static TheoryData<string, string, HttpStatusCode, string, int> Bodies => new()
    {
        { "malformed JSON line beside a good one", "{\"id\":\"h-1\",\"time\":\n" + Good, HttpStatusCode.OK, "json", 1 },
        { "NDJSON truncated in the middle of a record", Good + "\n{\"id\":\"h-2\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":35.5,\"lo", HttpStatusCode.OK, "json", 1 },
        { "malformed JSON array", "[" + Good + ",{\"id\":", HttpStatusCode.BadRequest, "body", 0 },
        { "NaN literal", Record("\"id\":\"h-3\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":NaN,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "json", 0 },
        { "NaN as a string", Record("\"id\":\"h-4\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":\"NaN\",\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "lat", 0 },
        { "Infinity by overflow (1e400)", Record("\"id\":\"h-5\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":1e400,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "lat", 0 },
        { "latitude 90.5", Record("\"id\":\"h-6\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":90.5,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "lat", 0 },
        { "longitude -180.0001", Record("\"id\":\"h-7\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":35.5,\"lon\":-180.0001,\"persons\":3"), HttpStatusCode.BadRequest, "lon", 0 },
        { "time in 2999", Record("\"id\":\"h-8\",\"time\":\"2999-01-01T00:00:00Z\",\"lat\":35.5,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "time", 0 },
        { "time before 2000", Record("\"id\":\"h-9\",\"time\":\"1999-12-31T23:59:59Z\",\"lat\":35.5,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "time", 0 },
        { "time without offset", Record("\"id\":\"h-10\",\"time\":\"2023-09-12T06:00:00\",\"lat\":35.5,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "time", 0 },
        { "same id twice in a batch, other content", Good + "\n" + Detection("good-1", T0, 35.5, 12.6, 70), HttpStatusCode.OK, "id", 1 },
        { "id with control characters", Record("\"id\":\"a\\u0000b\\u001b[2J\"," + Base), HttpStatusCode.BadRequest, "id", 0 },
        { "id of 10 KB", Record($"\"id\":\"{new string('x', 10_240)}\"," + Base), HttpStatusCode.BadRequest, "id", 0 },
        { "JSON nested 1,000 deep", Record("\"id\":\"h-11\"," + Base + ",\"extra\":" + new string('[', 1000) + new string(']', 1000)), HttpStatusCode.BadRequest, "json", 0 },
        { "unknown fields are ignored", Record("\"id\":\"h-12\"," + Base + ",\"colour\":\"red\",\"nested\":{\"a\":[1,2]}"), HttpStatusCode.OK, "", 1 },
        { "persons as a string", Record("\"id\":\"h-13\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":35.5,\"lon\":12.6,\"persons\":\"12\""), HttpStatusCode.BadRequest, "persons", 0 },
        { "persons 0", Record("\"id\":\"h-14\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":35.5,\"lon\":12.6,\"persons\":0"), HttpStatusCode.BadRequest, "persons", 0 },
        { "persons 10^9", Record("\"id\":\"h-15\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":35.5,\"lon\":12.6,\"persons\":1000000000"), HttpStatusCode.BadRequest, "persons", 0 },
        { "latitude true", Record("\"id\":\"h-16\",\"time\":\"2023-09-12T06:00:00Z\",\"lat\":true,\"lon\":12.6,\"persons\":3"), HttpStatusCode.BadRequest, "lat", 0 },
        { "id a number", Record("\"id\":42," + Base), HttpStatusCode.BadRequest, "id", 0 },
        { "a line that is not an object", "[1,2,3]\n\"text\"\n" + Good, HttpStatusCode.OK, "json", 1 },
        { "unknown sector id", Record("\"id\":\"h-17\"," + Base + ",\"sector\":\"../../grainstate\""), HttpStatusCode.BadRequest, "sector", 0 },
        { "empty body", "", HttpStatusCode.BadRequest, "body", 0 },
        { "type a number", Record("\"type\":1,\"id\":\"h-18\"," + Base), HttpStatusCode.BadRequest, "type", 0 },
        { "lone surrogate escape in the id", Record("\"id\":\"h-19\\ud800\"," + Base), HttpStatusCode.BadRequest, "id", 0 },
        { "lone surrogate escape in the kind, beside a good line", Record("\"id\":\"h-20\",\"kind\":\"\\udc00\"," + Base) + "\n" + Good, HttpStatusCode.OK, "kind", 1 },
        { "lone surrogate escape in the sector", Record("\"id\":\"h-21\",\"sector\":\"\\ud800\"," + Base), HttpStatusCode.BadRequest, "sector", 0 },
        { "byte-order mark before the first line", "\uFEFF" + Good, HttpStatusCode.OK, "", 1 },
        { "byte-order mark before a JSON array", "\uFEFF[" + Good + "]", HttpStatusCode.OK, "", 1 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_bodies_are_answered_clearly_and_count_only_their_good_records(string name, string body, HttpStatusCode status, string field, int good)
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var contentType = body.TrimStart('\uFEFF').StartsWith('[') && name.Contains("array") ? "application/json" : "application/x-ndjson";
        using var response = await fixture.Server.Http.PostAsync($"/api/detections?scenario={scenario}", new StringContent(body, Encoding.UTF8, contentType));

        var answer = await response.JsonAsync();
        Assert.True(status == response.StatusCode, $"{name}: {(int)response.StatusCode} {answer.ToJsonString()}");
        if (field != "") Assert.Equal(field, FieldNamed(answer));
        Assert.Equal(good, await CountedAsync(scenario));
    }

    [Fact]
    public async Task Invalid_UTF8_is_a_malformed_line()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var body = new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)'}', (byte)'\n' }.Concat(Encoding.UTF8.GetBytes(Good)).ToArray();
        using var response = await fixture.Server.Http.PostAsync($"/api/detections?scenario={scenario}", Content(body, "application/x-ndjson"));
        var answer = await response.JsonAsync();
        Assert.Equal((HttpStatusCode.OK, "json", 1), (response.StatusCode, FieldNamed(answer), answer["rejected"]![0]!["line"]!.GetValue<int>()));
        Assert.Equal(1, await CountedAsync(scenario));
    }

    [Fact]
    public async Task Oversized_bodies_and_batches_get_413_and_a_wrong_content_type_415_before_anything_counts()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var http = fixture.Server.Http;

        // With Expect: 100-continue (curl sends it for large bodies) the server refuses before the body is sent.
        var fifty = new byte[50 * 1024 * 1024];
        Array.Fill(fifty, (byte)' ');
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/detections?scenario={scenario}") { Content = Content(fifty, "application/x-ndjson") })
        {
            request.Headers.ExpectContinue = true;
            using var response = await http.SendAsync(request);
            Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "body"), (response.StatusCode, FieldNamed(await response.JsonAsync())));
        }

        // Without Content-Length (chunked) the server stops reading at its limit.
        var chunked = new StreamContent(new MemoryStream(fifty));
        chunked.Headers.ContentType = new("application/x-ndjson");
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/detections?scenario={scenario}") { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            request.Headers.ExpectContinue = true;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        var lines = Enumerable.Range(0, 50_001).Select(i => Record($"\"id\":\"m-{i}\"," + Base));
        using (var response = await http.PostNdjsonAsync($"/api/detections?scenario={scenario}", lines))
        {
            var answer = await response.JsonAsync();
            Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "body"), (response.StatusCode, FieldNamed(answer)));
            Assert.Contains("50,000 records", answer.Text("detail"));
        }

        using (var response = await http.PostAsync($"/api/detections?scenario={scenario}", new StringContent(Good, Encoding.UTF8, "text/plain")))
            Assert.Equal((HttpStatusCode.UnsupportedMediaType, "Content-Type"), (response.StatusCode, FieldNamed(await response.JsonAsync())));

        Assert.Equal(0, await CountedAsync(scenario));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("..%2F..%2Fgrainstate")]
    [InlineData("a/b")]
    [InlineData("Live")]
    [InlineData("-x")]
    [InlineData("a%00b")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Scenario_names_that_try_path_traversal_are_refused(string name)
    {
        var http = fixture.Server.Http;
        using (var response = await http.PostNdjsonAsync($"/api/detections?scenario={name}", [Good]))
            Assert.Equal((HttpStatusCode.BadRequest, "scenario"), (response.StatusCode, FieldNamed(await response.JsonAsync())));
        using (var response = await http.GetAsync($"/api/routes?scenario={name}"))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // As a path segment: refused as a name, or no such route at all; never a file outside the scenario.
        using (var response = await http.DeleteAsync($"/api/scenarios/{name}"))
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
        var listed = (await http.GetJsonAsync("/api/scenarios")).AsArray().Select(s => s!.Text("name"));
        Assert.All(listed, n => Assert.Matches("^[a-z0-9][a-z0-9-]{0,62}$", n));
    }

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(type);
        return content;
    }

    /// <summary>The field a problem names, or the first rejected line's.</summary>
    private static string? FieldNamed(JsonNode answer) =>
        answer["rejected"] is JsonArray { Count: > 0 } rejected ? rejected[0]!.Text("field") : answer["field"]?.GetValue<string>();

    private async Task<long> CountedAsync(string scenario)
    {
        var routes = await fixture.Server.Http.GetJsonAsync($"/api/routes?scenario={scenario}");
        return routes["routes"]!.AsArray().Sum(r => r!["allTime"]!["detections"]!.GetValue<long>())
               + routes["unassigned"]!["allTime"]!["detections"]!.GetValue<long>();
    }
}
