namespace BorderWatch.Contracts;

/// <summary>A place in a journal: segment number and byte offset in it.</summary>
[GenerateSerializer, Immutable, Alias("bw.JournalPosition")]
public readonly record struct JournalPosition([property: Id(0)] int Segment, [property: Id(1)] long Offset) : IComparable<JournalPosition>
{
    public int CompareTo(JournalPosition other) => Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    public static bool operator <(JournalPosition a, JournalPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(JournalPosition a, JournalPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(JournalPosition a, JournalPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(JournalPosition a, JournalPosition b) => a.CompareTo(b) >= 0;

    public JournalPosition Plus(long bytes) => this with { Offset = Offset + bytes };
}
