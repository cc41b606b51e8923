namespace BorderWatch.Feeds;

public enum RecordType
{
    Detection,
    Position,
    /// <summary>One AIS message as its NMEA lines (several for a multi-part message), the record posted to /api/ais.</summary>
    Ais,
}

/// <summary>
/// One record of a feed file: its bytes as read (a JSON line, or an AIS message's NMEA lines), and what replaying
/// needs to know of it (type, event time, id), with where it came from so that an answer about it can name the file
/// and line (an AIS message's first).
/// </summary>
public sealed record FeedRecord(RecordType Type, DateTimeOffset Time, string Key, byte[] Content, string File, long Line)
{
    /// <summary>The type's name, as used in the "type" field of NDJSON feeds.</summary>
    public static string Name(RecordType type) => type switch { RecordType.Detection => "detection", RecordType.Position => "position", _ => "ais" };

    /// <summary>Where the type is posted.</summary>
    public static string Endpoint(RecordType type) => type switch { RecordType.Detection => "/api/detections", RecordType.Position => "/api/positions", _ => "/api/ais" };

    /// <summary>How many lines the record is (an AIS message may take several).</summary>
    public int Lines => Type == RecordType.Ais ? Content.AsSpan().Count((byte)'\n') + 1 : 1;
}

/// <summary>A line that cannot be replayed because it cannot be placed in time or typed.</summary>
public sealed record FeedProblem(string File, long Line, string Field, string Error)
{
    public override string ToString() => $"{Path.GetFileName(File)}:{Line}: {Field}: {Error}";
}
