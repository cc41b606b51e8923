using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BorderWatch.Grains.Storage;

/// <summary>Records as the journal keeps them: one NDJSON line each.</summary>
public static class JournalLines<TRecord>
{
    private static readonly JsonTypeInfo<TRecord> Json = (JsonTypeInfo<TRecord>)JournalJson.Default.GetTypeInfo(typeof(TRecord))!;

    // One writer per thread, reused: Write runs to the end without awaiting, so no other grain can share it meanwhile.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static byte[] Write(IReadOnlyList<TRecord> records)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        foreach (var record in records)
        {
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, record, Json);
            writer.Flush();
            buffer.Write("\n"u8);
        }
        var lines = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1024 * 1024) (t_buffer, t_writer) = (null, null); // do not keep a rare huge batch's buffer alive (the writer holds it too)
        return lines;
    }

    public static IEnumerable<TRecord> Read(byte[] chunk) =>
        ShardLog.LineRanges(chunk).Select(r => JsonSerializer.Deserialize<TRecord>(chunk.AsSpan(r.Start, r.Length), Json)!);
}
