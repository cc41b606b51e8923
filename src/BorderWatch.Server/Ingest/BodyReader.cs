using BorderWatch.Server.Apis;

using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace BorderWatch.Server.Ingest;

/// <summary>
/// Splits an ingest body into records: NDJSON line by line (a bad line spoils only itself) or a JSON array
/// item by item. Line numbers are 1-based: the NDJSON line, or the array item.
/// </summary>
public static class BodyReader
{
    public delegate void RecordHandler(int line, JsonElement record);

    public static readonly string[] NdjsonTypes = ["application/x-ndjson", "application/ndjson", "application/jsonl"];

    /// <summary>Reads the body and hands each record to <paramref name="handle"/>; returns a problem result if the body as a whole is unusable.</summary>
    public static async Task<IResult?> ReadAsync(HttpRequest request, IngestOptions limits, RecordHandler handle, Action<LineError> reject)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var isNdjson = mediaType is not null && NdjsonTypes.Contains(mediaType);
        if (mediaType is not null && !isNdjson && mediaType != "application/json")
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Content-Type",
                $"Send application/json (an array of records) or application/x-ndjson (one record per line), not {mediaType}.");
        }
        var (result, problem) = await WithBodyAsync(request, limits.MaxBodyBytes, body =>
            isNdjson || (mediaType is null && FirstByte(body) != '[')
                ? ReadLines(body, limits.MaxRecords, handle, reject)
                : ReadArray(body, limits.MaxRecords, handle));
        return problem ?? result;
    }

    /// <summary>A text/plain body (NMEA: a sentence a line) within the same size limit, or the problem with it.</summary>
    public static async Task<(string? Text, IResult? Problem)> ReadTextAsync(HttpRequest request, IngestOptions limits)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not null && mediaType != "text/plain")
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Content-Type", $"Send text/plain (one NMEA sentence per line), not {mediaType}."));
        return await WithBodyAsync(request, limits.MaxBodyBytes, body => System.Text.Encoding.UTF8.GetString(body.Span));
    }

    /// <summary>
    /// Hands the body, within <paramref name="maxBytes"/> and without a byte-order mark, to <paramref name="read"/>
    /// while its pooled buffer is held; or the problem of a body too large.
    /// </summary>
    private static async Task<(T? Value, IResult? Problem)> WithBodyAsync<T>(HttpRequest request, long maxBytes, Func<ReadOnlyMemory<byte>, T> read)
    {
        if (request.ContentLength > maxBytes) return (default, TooLarge(maxBytes));
        // Kestrel's own limit would answer with a bare 413; this endpoint states its limit itself.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var (buffer, length) = await ReadAtMostAsync(request.Body, request.ContentLength, maxBytes, request.HttpContext.RequestAborted);
        try
        {
            if (length < 0) return (default, TooLarge(maxBytes));
            var body = buffer.AsMemory(0, length);
            // Some tools write a UTF-8 byte-order mark first; it is not part of the first record.
            if (body.Span.StartsWith(Utf8Bom)) body = body[Utf8Bom.Length..];
            return (read(body), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult? ReadLines(ReadOnlyMemory<byte> body, int maxRecords, RecordHandler handle, Action<LineError> reject)
    {
        // Refuse the whole request before any record is looked at: half a batch would be a surprise.
        if (body.Span.Count((byte)'\n') > maxRecords && CountRecords(body.Span) > maxRecords) return TooMany(maxRecords);
        var line = 0;
        var rest = body;
        while (rest.Length > 0)
        {
            line++;
            var end = rest.Span.IndexOf((byte)'\n');
            var text = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (text.Span.Trim(" \t\r"u8).IsEmpty) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text, DocumentOptions);
            }
            catch (JsonException e)
            {
                reject(new LineError(line, null, "json", $"malformed JSON at byte {e.BytePositionInLine}: {FirstSentence(e.Message)}"));
                continue;
            }
            using (document) handle(line, document.RootElement);
        }
        return null;
    }

    private static int CountRecords(ReadOnlySpan<byte> body)
    {
        var records = 0;
        foreach (var range in body.Split((byte)'\n'))
        {
            if (!body[range].Trim(" \t\r"u8).IsEmpty) records++;
        }
        return records;
    }

    private static IResult? ReadArray(ReadOnlyMemory<byte> body, int maxRecords, RecordHandler handle)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "body",
                $"Malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine}: {FirstSentence(e.Message)} Nothing was accepted; NDJSON lets good lines through past a bad one.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                return Problems.Status(StatusCodes.Status400BadRequest, "body", "A JSON body must be an array of records.");
            if (document.RootElement.GetArrayLength() > maxRecords) return TooMany(maxRecords);
            var item = 0;
            foreach (var record in document.RootElement.EnumerateArray()) handle(++item, record);
        }
        return null;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    private static IResult TooLarge(long maxBytes) => Problems.Status(StatusCodes.Status413PayloadTooLarge, "body",
        $"The body is larger than {maxBytes / (1024 * 1024)} MB; split it into several requests.");

    private static IResult TooMany(int maxRecords) => Problems.Status(StatusCodes.Status413PayloadTooLarge, "body",
        $"The body holds more than {maxRecords:N0} records; split it into several requests.");

    /// <summary>
    /// The body in a pooled buffer (the caller returns it), or length -1 past the limit. Bodies run to megabytes a
    /// request: fresh arrays would churn the large object heap.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadAtMostAsync(Stream body, long? contentLength, long maxBytes, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(contentLength + 1 ?? 64 * 1024, maxBytes + 1));
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellation)) > 0)
        {
            length += read;
            if (length > maxBytes) return (buffer, -1);
            if (length < buffer.Length) continue;
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        return (buffer, length);
    }

    private static int FirstByte(ReadOnlyMemory<byte> body)
    {
        foreach (var b in body.Span) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return b;
        return -1;
    }

    private static string FirstSentence(string message) => message.Split(" LineNumber:")[0].Split(" Path:")[0].Trim();
}
