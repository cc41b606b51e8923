using BorderWatch.Grains;
using BorderWatch.Server.Hosting;
using BorderWatch.Server.Ingest;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Apis;

public static class IngestApi
{
    public static void MapIngestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(Security.Roles.Ingest);
        api.MapPost("/detections", (HttpRequest request, string? scenario, RecordParser parser, IngestService ingest,
                IOptions<IngestOptions> options, ILogger<IngestService> logger) =>
            IngestAsync<BorderWatch.Contracts.Detection>("detection", request, scenario, options.Value, logger, parser.TryDetection, ingest.IngestDetectionsAsync))
            .AcceptsRecords<DetectionRecord>().Produces<IngestResult>()
            .WithDescription("Detections as a JSON array or NDJSON, a line each; the answer says what became of every line.");
        api.MapPost("/positions", (HttpRequest request, string? scenario, RecordParser parser, IngestService ingest,
                IOptions<IngestOptions> options, ILogger<IngestService> logger) =>
            IngestAsync<BorderWatch.Contracts.Position>("position", request, scenario, options.Value, logger, parser.TryPosition, (s, records, rejected) => ingest.IngestPositionsAsync(s, records, rejected)))
            .AcceptsRecords<PositionRecord>().Produces<IngestResult>()
            .WithDescription("Asset positions as a JSON array or NDJSON, a line each.");
        api.MapPost("/ais", async (HttpRequest request, string? scenario, AisIngest ais, IOptions<IngestOptions> options, ILogger<IngestService> logger) =>
        {
            if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
            var (text, problem) = await BodyReader.ReadTextAsync(request, options.Value);
            if (problem is not null) return problem;
            if (string.IsNullOrWhiteSpace(text)) return Problems.BadRequest("body", "The body holds no sentences.");
            AisResult result;
            try
            {
                result = await ais.IngestAsync(name, text);
            }
            catch (Exception e)
            {
                logger.LogError(e, "AIS ingest into scenario {Scenario} failed", name);
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, "body",
                    "The batch could not be made durable (storage or cluster unavailable). Send it again: positions with tag-block times count once.");
            }
            if (result.Messages == 0 && result.Rejected.Count > 0)
            {
                return Problems.Status(StatusCodes.Status400BadRequest, "body", "No sentence of the body made a message; see 'rejected' for each line.",
                    new Dictionary<string, object?> { ["sentences"] = result.Sentences, ["rejected"] = result.Rejected });
            }
            return Results.Ok(result);
        }).AcceptsText("NMEA 0183 sentences (!AIVDM/!AIVDO, NMEA 4.10 tag blocks allowed), one a line").Produces<AisResult>()
          .WithDescription("AIS as a receiver gives it; positions become positions of the asset whose id is the MMSI.");

        // Read by operators (the dashboard shows it), so outside the feeders' group.
        app.MapGet("/api/ais/sources", (AisSources sources) => sources.Statuses()).Produces<IReadOnlyList<AisSourceStatus>>()
            .WithDescription("The configured AIS feeds (BorderWatch:Ais:Sources): connected, what they read, errors by kind, last message.");
    }

    /// <summary>The batch in the BorderWatch meter: what came, what became of it, how long it took.</summary>
    private static void Measure(string type, int received, IngestResult result, long started)
    {
        var kind = BorderWatchMetrics.Tag("type", type);
        BorderWatchMetrics.RecordsReceived.Add(received, kind);
        BorderWatchMetrics.RecordsAccepted.Add(result.Accepted, kind);
        BorderWatchMetrics.RecordsDuplicate.Add(result.Duplicates, kind);
        foreach (var reason in result.Rejected.GroupBy(r => r.Field))
            BorderWatchMetrics.RecordsRejected.Add(reason.Count(), kind, BorderWatchMetrics.Tag("reason", reason.Key));
        BorderWatchMetrics.IngestDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, kind);
    }

    private delegate LineError? Parse<T>(int line, System.Text.Json.JsonElement json, out T record);

    private static async Task<IResult> IngestAsync<T>(string type, HttpRequest request, string? scenario, IngestOptions options, ILogger logger,
        Parse<T> parse, Func<string, List<IngestService.Lined<T>>, List<LineError>, Task<IngestResult>> ingest)
    {
        if (ScenarioQuery.Validate(scenario, out var name) is { } invalid) return invalid;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var records = new List<IngestService.Lined<T>>();
        var rejected = new List<LineError>();
        var problem = await BodyReader.ReadAsync(request, options, (line, json) =>
        {
            if (parse(line, json, out var record) is { } error) rejected.Add(error);
            else records.Add(new(line, record));
        }, rejected.Add);
        if (problem is not null) return problem;
        if (records.Count == 0 && rejected.Count == 0) return Problems.BadRequest("body", "The body holds no records.");

        var received = records.Count + rejected.Count; // every line, before ingest adds its own refusals
        IngestResult result;
        try
        {
            result = await ingest(name, records, rejected);
        }
        catch (Exception e)
        {
            // Storage or a silo failed part-way: some records may be durable, none is acknowledged.
            logger.LogError(e, "Ingest into scenario {Scenario} failed", name);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "body",
                "The batch could not be made durable (storage or cluster unavailable). Send the same batch again: records already stored count once.");
        }
        Measure(type, received, result, started);
        if (result.Accepted == 0 && result.Duplicates == 0)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "body", "No record of the batch was valid; see 'rejected' for each line.",
                new Dictionary<string, object?> { ["accepted"] = 0, ["duplicates"] = 0, ["rejected"] = result.Rejected });
        }
        return Results.Ok(result);
    }
}
