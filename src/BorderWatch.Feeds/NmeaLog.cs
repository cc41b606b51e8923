using System.Text;
using BorderWatch.Ais;

namespace BorderWatch.Feeds;

/// <summary>
/// An NMEA log of AIS as feed records: one record a message, holding all its lines, so that a batch never splits a
/// multi-part message. A record's time is its tag block's <c>c</c> (the first part's); a line without one takes the
/// time of the timed line before it, and those before the first timed line wait for it (a log with no tag block at
/// all goes at once: the server times such reports by arrival). Lines that are no sentence, and messages missing a
/// part, go as they are: the server says what is wrong with them, line by line.
/// </summary>
public static class NmeaLog
{
    public static IEnumerable<FeedRecord> Read(string path) => Read(FeedFiles.OpenRead(path), path);

    /// <summary>Reads an open log (<paramref name="path"/> names it in each record).</summary>
    public static IEnumerable<FeedRecord> Read(Stream stream, string path)
    {
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var parts = new Dictionary<string, (long Line, DateTimeOffset? Time, List<string> Lines)>();
        var untimed = new List<(long Line, string Text)>();
        DateTimeOffset? clock = null;
        var number = 0L;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string? key = null;
            var last = true;
            if (Sentence.TryParse(line, out var sentence, out _))
            {
                clock = sentence.Time ?? clock;
                if (sentence.Count > 1) (key, last) = (AisReader.PartKey(sentence), sentence.Number == sentence.Count);
            }
            if (clock is null)
            {
                untimed.Add((number, line));
                continue;
            }
            foreach (var waiting in untimed) yield return Record(path, waiting.Line, clock.Value, [waiting.Text]);
            untimed.Clear();
            if (key is null)
            {
                yield return Record(path, number, clock.Value, [line]);
                continue;
            }
            if (!parts.TryGetValue(key, out var message)) parts[key] = message = (number, clock, []);
            message.Lines.Add(line);
            if (!last) continue;
            parts.Remove(key);
            yield return Record(path, message.Line, message.Time ?? clock.Value, message.Lines);
        }
        foreach (var waiting in untimed) yield return Record(path, waiting.Line, DateTimeOffset.UnixEpoch, [waiting.Text]);
        foreach (var message in parts.Values.OrderBy(m => m.Line)) yield return Record(path, message.Line, message.Time ?? clock!.Value, message.Lines);
    }

    private static FeedRecord Record(string path, long line, DateTimeOffset time, List<string> lines) =>
        new(RecordType.Ais, time, "", Encoding.Latin1.GetBytes(string.Join('\n', lines)), path, line);
}
