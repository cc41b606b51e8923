namespace BorderWatch.Ais;

public enum ReadStatus : byte
{
    /// <summary>A complete message, decoded (or of a type that is counted and ignored).</summary>
    Message,
    /// <summary>One part of a message whose other parts are still to come.</summary>
    Pending,
    /// <summary>The line or the message is refused; <see cref="ReadResult.Error"/> says why.</summary>
    Rejected,
}

/// <summary>What one line gave: a message with the receiver's time of it (the tag block's <c>c</c>), or why not.</summary>
public readonly record struct ReadResult(ReadStatus Status, Decoded Message, DateTimeOffset? Time, string? Error);

/// <summary>Running totals of one reader: what operators watch per source.</summary>
public sealed class AisCounters
{
    public long Sentences, Messages, Rejected, Incomplete;

    /// <summary>Messages of types not decoded, by type (0-63).</summary>
    public readonly long[] Ignored = new long[64];
}

/// <summary>
/// Reads the lines of one source (a connection, a file, a request) in order: parses each sentence, puts multi-part
/// messages back together per (station, channel, sequence id or tag-block group) and decodes them. Parts that do not
/// complete within <paramref name="partTimeout"/> of their first are dropped and counted as incomplete. Not thread
/// safe: one reader per source.
/// </summary>
public sealed class AisReader(TimeSpan partTimeout)
{
    private sealed class Pending(int count, DateTimeOffset first, DateTimeOffset? time)
    {
        public readonly string?[] Parts = new string?[count];
        public int Fill;
        public DateTimeOffset First = first;
        public DateTimeOffset? Time = time;
    }

    private readonly Dictionary<string, Pending> _pending = [];
    private DateTimeOffset _swept = DateTimeOffset.MinValue;

    public AisCounters Counters { get; } = new();

    /// <summary>Reads one line that arrived at <paramref name="arrival"/> (the reader's clock, for the part timeout).</summary>
    public ReadResult Read(ReadOnlySpan<char> line, DateTimeOffset arrival)
    {
        if (_pending.Count > 0 && arrival - _swept > TimeSpan.FromSeconds(1)) Sweep(arrival);
        if (!Sentence.TryParse(line, out var sentence, out var error))
        {
            Counters.Rejected++;
            return new ReadResult(ReadStatus.Rejected, default, null, error);
        }
        Counters.Sentences++;
        if (sentence.Count == 1) return Complete(Decoder.Decode(new Payload(sentence.Payload, sentence.FillBits)), sentence.Time);

        var key = PartKey(sentence);
        if (!_pending.TryGetValue(key, out var pending)) _pending[key] = pending = new Pending(sentence.Count, arrival, sentence.Time);
        pending.Parts[sentence.Number - 1] = sentence.Payload.ToString();
        if (sentence.Number == sentence.Count) pending.Fill = sentence.FillBits;
        if (sentence.Number == 1 && sentence.Time is not null) pending.Time = sentence.Time;
        if (Array.IndexOf(pending.Parts, null) >= 0) return new ReadResult(ReadStatus.Pending, default, null, null);

        _pending.Remove(key);
        var payload = string.Concat(pending.Parts);
        return Complete(Decoder.Decode(new Payload(payload, pending.Fill)), pending.Time);
    }

    /// <summary>Which message a part belongs to: its station, channel, sequence id (or tag-block group) and part count.</summary>
    public static string PartKey(in Sentence sentence)
    {
        var id = sentence.SequenceId.Length > 0 ? sentence.SequenceId.ToString() : sentence.Group >= 0 ? $"g{sentence.Group}" : "";
        return $"{sentence.Source}|{sentence.Channel}|{id}|{sentence.Count}";
    }

    /// <summary>Drops the parts waiting longer than the timeout; returns how many messages were lost so.</summary>
    public int Sweep(DateTimeOffset now)
    {
        _swept = now;
        var dropped = 0;
        foreach (var (key, pending) in _pending)
        {
            if (now - pending.First <= partTimeout) continue;
            _pending.Remove(key);
            dropped++;
        }
        Counters.Incomplete += dropped;
        return dropped;
    }

    private ReadResult Complete(Decoded message, DateTimeOffset? time)
    {
        if (message.Kind == DecodedKind.Error)
        {
            Counters.Rejected++;
            return new ReadResult(ReadStatus.Rejected, message, time, message.Error);
        }
        Counters.Messages++;
        if (message.Kind == DecodedKind.Ignored) Counters.Ignored[message.Type]++;
        return new ReadResult(ReadStatus.Message, message, time, null);
    }
}
