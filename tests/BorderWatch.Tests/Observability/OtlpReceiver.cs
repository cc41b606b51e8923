using System.Net;

namespace BorderWatch.Tests.Observability;

/// <summary>
/// A small OTLP/HTTP (protobuf) receiver on 127.0.0.1: keeps the spans and metric names it is sent. It reads only
/// the few fields it needs from the wire format; everything else is skipped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public sealed record Span(string TraceId, string SpanId, string ParentId, string Name, string Scope);

    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Lock _gate = new();
    private readonly List<Span> _spans = [];
    private readonly HashSet<string> _metrics = [];

    public OtlpReceiver()
    {
        Port = Infrastructure.Paths.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public List<Span> Spans { get { lock (_gate) return [.. _spans]; } }
    public HashSet<string> Metrics { get { lock (_gate) return [.. _metrics]; } }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Take(context.Request.Url!.AbsolutePath, body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private void Take(string path, byte[] message)
    {
        lock (_gate)
        {
            // ExportTraceServiceRequest: resource_spans (1) > scope_spans (2) > scope (1, name 1) and spans (2).
            if (path == "/v1/traces")
                foreach (var resource in Fields(message, 1))
                foreach (var scopeSpans in Fields(resource, 2))
                {
                    var scope = Fields(scopeSpans, 1).Select(s => Text(Fields(s, 1).FirstOrDefault())).FirstOrDefault() ?? "";
                    foreach (var span in Fields(scopeSpans, 2))
                        _spans.Add(new Span(Hex(Fields(span, 1).FirstOrDefault()), Hex(Fields(span, 2).FirstOrDefault()), Hex(Fields(span, 4).FirstOrDefault()),
                            Text(Fields(span, 5).FirstOrDefault()), scope));
                }
            // ExportMetricsServiceRequest: resource_metrics (1) > scope_metrics (2) > metrics (2, name 1).
            if (path == "/v1/metrics")
                foreach (var resource in Fields(message, 1))
                foreach (var scopeMetrics in Fields(resource, 2))
                foreach (var metric in Fields(scopeMetrics, 2))
                    _metrics.Add(Text(Fields(metric, 1).FirstOrDefault()));
        }
    }

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);
    private static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of a protobuf message.</summary>
    private static List<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int number)
    {
        var found = new List<ReadOnlyMemory<byte>>();
        var at = 0;
        var span = message.Span;
        while (at < span.Length)
        {
            var tag = Varint(span, ref at);
            switch ((int)(tag & 7))
            {
                case 0: Varint(span, ref at); break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    var length = (int)Varint(span, ref at);
                    if ((int)(tag >> 3) == number) found.Add(message.Slice(at, length));
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {tag & 7} at byte {at}");
            }
        }
        return found;
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
