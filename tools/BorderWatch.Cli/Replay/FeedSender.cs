using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BorderWatch.Feeds;

namespace BorderWatch.Cli.Replay;

/// <summary>What the server made of one batch; rejected records keep their file and line.</summary>
public sealed record BatchAnswer(int Accepted, int Duplicates, IReadOnlyList<FeedProblem> Rejected)
{
    public static BatchAnswer operator +(BatchAnswer a, BatchAnswer b) =>
        new(a.Accepted + b.Accepted, a.Duplicates + b.Duplicates, [.. a.Rejected, .. b.Rejected]);
}

/// <summary>The server stayed unreachable or unwell for longer than the tool waits.</summary>
public sealed class ServerDownException(string message) : Exception(message);

/// <summary>The server refused the request itself (not a record of it): retrying cannot help.</summary>
public sealed class RefusedException(string message) : Exception(message);

/// <summary>
/// Posts a batch to /api/detections, /api/positions and /api/ais. A failure that may pass (no connection, 5xx, 429,
/// timeout) is retried with backoff and the same body, so records that did land come back as duplicates.
/// Each type has one lane: a batch's positions are posted only once the previous batch's are answered. Batches
/// overtaking each other would move an asset's track (or a sector's newest event) so far ahead that the earlier
/// records are older than what the grain can check for duplicates, and they would be refused.
/// </summary>
public sealed class FeedSender(HttpClient http, string scenario, TimeSpan retryFor, Action<string> warn)
{
    private static readonly MediaTypeHeaderValue Ndjson = new("application/x-ndjson"), Nmea = new("text/plain");

    private readonly Dictionary<RecordType, Task> _lanes = Enum.GetValues<RecordType>().ToDictionary(t => t, _ => Task.CompletedTask);

    /// <summary>Queues the batch behind the previous ones of its types; not thread-safe: one caller queues.</summary>
    public async Task<BatchAnswer> SendAsync(IReadOnlyList<FeedRecord> batch, CancellationToken stop)
    {
        var parts = batch.GroupBy(r => r.Type).Select(g =>
        {
            var part = AfterAsync(_lanes[g.Key], () => PostAsync(g.Key, [.. g], stop));
            _lanes[g.Key] = part;
            return part;
        }).ToList();
        return (await Task.WhenAll(parts)).Aggregate(new BatchAnswer(0, 0, []), (a, b) => a + b);
    }

    /// <summary>Runs after the previous post of the lane; if that one failed, so does this one, at once.</summary>
    private static async Task<BatchAnswer> AfterAsync(Task previous, Func<Task<BatchAnswer>> post)
    {
        await previous;
        return await post();
    }

    private async Task<BatchAnswer> PostAsync(RecordType type, List<FeedRecord> records, CancellationToken stop)
    {
        var body = new byte[records.Sum(r => r.Content.Length + 1)];
        var at = 0;
        foreach (var record in records)
        {
            record.Content.CopyTo(body, at);
            at += record.Content.Length;
            body[at++] = (byte)'\n';
        }
        var path = $"{FeedRecord.Endpoint(type)}?scenario={scenario}";
        var backoff = TimeSpan.FromMilliseconds(500);
        var firstFailure = (DateTime?)null;
        while (true)
        {
            string failure;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = type == RecordType.Ais ? Nmea : Ndjson;
                // Not cancelled by Ctrl-C: a batch in flight is finished, so the resume point is exact.
                using var response = await http.PostAsync(path, content, CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest && text.Contains("\"rejected\""))
                    return Read(text, records);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } delay) backoff = delay;
                failure = $"{(int)response.StatusCode} {Detail(text)}";
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    throw new RefusedException($"The server refused {path}: {failure}");
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
                failure = $"no answer within {http.Timeout.TotalSeconds:0} s";
            }
            firstFailure ??= DateTime.UtcNow;
            if (DateTime.UtcNow - firstFailure > retryFor)
                throw new ServerDownException($"The server at {http.BaseAddress} did not take a batch for {retryFor.TotalSeconds:0} s (last: {failure}).");
            warn($"{FeedRecord.Endpoint(type)}: {failure}; retrying in {backoff.TotalSeconds:0.#} s");
            await Task.Delay(backoff, stop);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    /// <summary>
    /// The answer, with each refused line traced to its record's file and line. A body of AIS holds a line per
    /// sentence, several for one multi-part message, and a 400 (no sentence made a message) counts nothing.
    /// </summary>
    private static BatchAnswer Read(string text, List<FeedRecord> records)
    {
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var recordOfLine = new List<(int Record, int Within)>();
        for (var i = 0; i < records.Count; i++)
            for (var k = 0; k < records[i].Lines; k++) recordOfLine.Add((i, k));
        var rejected = new List<FeedProblem>();
        foreach (var r in root.GetProperty("rejected").EnumerateArray())
        {
            var (index, within) = recordOfLine[r.GetProperty("line").GetInt32() - 1];
            var record = records[index];
            var field = r.TryGetProperty("field", out var f) ? f.GetString() ?? "" : "ais";
            // A multi-part message is named by its first line; its parts need not be on the lines after it.
            var part = record.Lines > 1 ? $"part {within + 1} of the message: " : "";
            rejected.Add(new FeedProblem(record.File, record.Line, field, part + r.GetProperty("error").GetString()));
        }
        return new BatchAnswer(Count("accepted"), Count("duplicates"), rejected);

        int Count(string name) => root.TryGetProperty(name, out var n) ? n.GetInt32() : 0;
    }

    private static string Detail(string problem)
    {
        try
        {
            using var json = JsonDocument.Parse(problem);
            return json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : problem;
        }
        catch (JsonException)
        {
            return problem.Length > 200 ? problem[..200] : problem;
        }
    }
}
