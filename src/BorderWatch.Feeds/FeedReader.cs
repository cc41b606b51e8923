using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BorderWatch.Feeds;

/// <summary>
/// Reads feed files as one stream in event-time order. Each file is expected to be roughly in time order (a
/// recorded feed is in arrival order); files are merged by time and a reorder window of lines puts locally
/// shuffled records right. Records out of order by more than the window are passed on late, as a live feed
/// would deliver them (the server counts them in the right bucket), and counted in <see cref="OutOfOrder"/>.
/// </summary>
public sealed class FeedReader(IReadOnlyList<string> files, int reorderWindow = 10_000)
{
    /// <summary>Records that came after a record with a later time: more out of order than the window mends.</summary>
    public long OutOfOrder { get; private set; }

    private readonly List<(FileStream File, long Length)> _opened = [];
    private long? _bytes;

    /// <summary>
    /// How far through its files the reader is, from 0 to 1, by bytes read (compressed bytes for .gz): a progress
    /// that needs no count of the records first, which for a large feed is a read of its own.
    /// </summary>
    public double Fraction
    {
        get
        {
            _bytes ??= files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
            if (_bytes == 0) return 1;
            var read = 0L;
            lock (_opened)
                foreach (var (file, length) in _opened) read += file.CanRead ? file.Position : length;
            return Math.Min(1, read / (double)_bytes);
        }
    }

    public IEnumerable<FeedRecord> Read(Action<FeedProblem> problem)
    {
        var sequence = 0L;
        var window = new PriorityQueue<FeedRecord, (DateTimeOffset, long)>();
        DateTimeOffset? last = null;
        foreach (var record in Merge(problem))
        {
            window.Enqueue(record, (record.Time, sequence++));
            if (window.Count > reorderWindow) yield return Emit(window.Dequeue());
        }
        while (window.Count > 0) yield return Emit(window.Dequeue());

        FeedRecord Emit(FeedRecord record)
        {
            if (record.Time < last) OutOfOrder++;
            else last = record.Time;
            return record;
        }
    }

    /// <summary>The files' records merged by time, each file read in its own order.</summary>
    private IEnumerable<FeedRecord> Merge(Action<FeedProblem> problem)
    {
        var readers = files.Select(f => ReadFile(f, problem, Opened).GetEnumerator()).ToList();
        try
        {
            var heads = new PriorityQueue<int, (DateTimeOffset, int)>();
            for (var i = 0; i < readers.Count; i++)
            {
                if (readers[i].MoveNext()) heads.Enqueue(i, (readers[i].Current.Time, i));
            }
            while (heads.TryDequeue(out var i, out _))
            {
                yield return readers[i].Current;
                if (readers[i].MoveNext()) heads.Enqueue(i, (readers[i].Current.Time, i));
            }
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
    }

    public static IEnumerable<FeedRecord> ReadFile(string path, Action<FeedProblem> problem) => ReadFile(path, problem, _ => { });

    /// <summary>One file's records, in its order; opened when first asked for.</summary>
    private static IEnumerable<FeedRecord> ReadFile(string path, Action<FeedProblem> problem, Action<FileStream> opened)
    {
        var stream = FeedFiles.OpenRead(path, out var file);
        opened(file);
        foreach (var record in FeedFiles.IsNmea(path) ? NmeaLog.Read(stream, path) : ReadNdjson(stream, path, problem)) yield return record;
    }

    private void Opened(FileStream file)
    {
        lock (_opened) _opened.Add((file, file.Length));
    }

    private static IEnumerable<FeedRecord> ReadNdjson(Stream stream, string path, Action<FeedProblem> problem)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var number = 0L;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var json = Encoding.UTF8.GetBytes(line);
            if (Describe(json, out var type, out var time, out var key) is { } error) problem(new FeedProblem(path, number, error.Field, error.Message));
            else yield return new FeedRecord(type, time, key, json, path, number);
        }
    }

    /// <summary>Finds type, time and id in a line without building the whole record; the server checks the rest.</summary>
    public static (string Field, string Message)? Describe(ReadOnlySpan<byte> json, out RecordType type, out DateTimeOffset time, out string key)
    {
        type = RecordType.Detection;
        time = default;
        key = "";
        string? declared = null, timeText = null, id = null, asset = null, name = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return ("json", "a record must be a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                name = reader.GetString();
                reader.Read();
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip(); // past a nested value; a no-op on a plain one
                switch (name)
                {
                    case "type": declared = text; break;
                    case "time": timeText = text; break;
                    case "id": id = text; break;
                    case "asset": asset = text; break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) return ("json", "malformed JSON");
        }
        catch (JsonException e)
        {
            return ("json", $"malformed JSON: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // Well-formed JSON whose string escapes decode to no valid Unicode (a lone surrogate such as \ud800).
            return (name ?? "json", "a string that is not valid Unicode (a lone surrogate escape)");
        }

        switch (declared)
        {
            case "detection": type = RecordType.Detection; break;
            case "position": type = RecordType.Position; break;
            case null: type = asset is null ? RecordType.Detection : RecordType.Position; break;
            default: return ("type", $"'{declared}' is neither 'detection' nor 'position'");
        }
        if (timeText is null || !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
            return ("time", "required: an ISO 8601 time such as 2023-09-12T06:10:00Z");
        key = (type == RecordType.Detection ? id : asset) ?? "";
        return null;
    }
}
