namespace BorderWatch.Feeds;

public enum RecordType
{
    Detection,
    Position,
}

/// <summary>
/// One line of a feed file: its JSON as read, and what replaying needs to know of it (type, event time, id),
/// with where it came from so that an answer about it can name the file and line.
/// </summary>
public sealed record FeedRecord(RecordType Type, DateTimeOffset Time, string Key, byte[] Json, string File, long Line)
{
    /// <summary>The endpoint's name for the type, as used in the "type" field and in /api/{type}s.</summary>
    public static string Name(RecordType type) => type == RecordType.Detection ? "detection" : "position";
}

/// <summary>A line that cannot be replayed because it cannot be placed in time or typed.</summary>
public sealed record FeedProblem(string File, long Line, string Field, string Error)
{
    public override string ToString() => $"{Path.GetFileName(File)}:{Line}: {Field}: {Error}";
}
