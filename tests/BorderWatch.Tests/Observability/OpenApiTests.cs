using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Observability;

/// <summary>The OpenAPI document describes every endpoint README's API table lists, and nothing it does not.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class OpenApiTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_document_and_README_list_the_same_endpoints_with_their_query_parameters_auth_record_and_response_schemas()
    {
        using var feeder = fixture.Server.ClientWith(TestKeys.Feeder); // anyone with a key may read it
        var document = await feeder.GetJsonAsync("/openapi/v1.json");

        var documented = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Method: op.Key.ToUpperInvariant(), Path: path.Key, Operation: op.Value!)))
            .ToList();
        var readme = ReadmeEndpoints();
        Assert.Equal(readme.Select(e => $"{e.Method} {e.Path}").Order(), documented.Select(e => $"{e.Method} {e.Path}").Where(e => e.Contains(" /api/")).Order());

        foreach (var (method, path, parameters) in readme)
        {
            var operation = documented.Single(d => d.Method == method && d.Path == path).Operation;
            var named = operation["parameters"]?.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToHashSet() ?? [];
            Assert.All(parameters, p => Assert.True(named.Contains(p), $"{method} {path}: README names ?{p}=, the document does not"));
            Assert.True(operation["responses"]?["401"]?["content"]?["application/problem+json"] is not null, $"{method} {path}: no problem details for 401");
        }

        // A generated client gets a type for every answer: JSON with a schema, NDJSON for the export, or no content.
        foreach (var (method, path, operation) in documented.Where(d => d.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var success = operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')).ToList();
            Assert.True(success.Count > 0, $"{method} {path}: no success response");
            foreach (var (status, response) in success)
            {
                var content = response!["content"]?.AsObject();
                Assert.True(status == "204" ? content is null : content?["application/json"]?["schema"] is not null || content?["application/x-ndjson"]?["schema"] is not null,
                    $"{method} {path}: {status} has no schema");
            }
        }
        var geometry = document["components"]!["schemas"]!["Geometry"]!;
        Assert.Equal(["coordinates", "type"], geometry["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("X-Api-Key", schemes["ApiKey"]!["name"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        var detections = documented.Single(d => d is { Method: "POST", Path: "/api/detections" }).Operation;
        Assert.NotNull(detections["requestBody"]!["content"]!["application/x-ndjson"]);
        var items = detections["requestBody"]!["content"]!["application/json"]!["schema"]!["items"]!;
        var detection = items["$ref"]?.GetValue<string>() is { } reference ? document["components"]!["schemas"]![reference.Split('/')[^1]]! : items;
        Assert.Equal(["id", "lat", "lon", "persons", "time"], detection["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
    }

    /// <summary>Each /api method and path of README's API table, with the query parameters it names.</summary>
    private static List<(string Method, string Path, string[] Parameters)> ReadmeEndpoints()
    {
        var lines = File.ReadAllLines(Path.Combine(Paths.Root, "README.md")).SkipWhile(l => l != "## API").TakeWhile(l => !l.StartsWith("| `/hubs/", StringComparison.Ordinal));
        var found = new List<(string, string, string[])>();
        foreach (var line in lines.Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        foreach (Match m in Endpoint().Matches(line.Split(" | ")[0]))
        {
            var methods = m.Groups["also"].Captures.Select(c => c.Value).Append(m.Groups["method"].Value);
            var parameters = Parameter().Matches(m.Groups["query"].Value).Select(p => p.Groups[1].Value).ToArray();
            found.AddRange(methods.Select(method => (method, m.Groups["path"].Value, parameters)));
        }
        return found;
    }

    // `GET /api/x?a=&b=`, `GET`/`POST /api/y`: methods, path, query.
    [GeneratedRegex(@"(?:(?<also>GET|POST|PUT|DELETE)`/`)*(?<method>GET|POST|PUT|DELETE) (?<path>/api/[^`?]*)(?<query>\?[^`]*)?")]
    private static partial Regex Endpoint();

    [GeneratedRegex(@"[?&]([a-zA-Z]+)=")]
    private static partial Regex Parameter();
}
