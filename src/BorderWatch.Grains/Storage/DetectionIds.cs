using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BorderWatch.Grains.Counting;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// What a scenario's detections shard remembers of ids: which ones it has, and which sector counts each, each within
/// the dedup window behind the newest detection of the sector that counts it (a sector's backfill is not refused
/// for another sector's newer events). It lives in memory and is rebuilt from the log on activation
/// (the ids are in the records); the checkpoint keeps only where, by event day, the window's records begin, so that
/// no save grows with the number of ids.
/// </summary>
internal sealed class DetectionIds(TimeSpan window, Dictionary<long, JournalPosition> firstOfDay)
{
    private static readonly JsonTypeInfo<Detection> Json = (JsonTypeInfo<Detection>)JournalJson.Default.GetTypeInfo(typeof(Detection))!;

    private readonly IdIndex _index = new();
    private readonly List<string> _members = [];
    private readonly Dictionary<string, ushort> _memberIds = new(StringComparer.Ordinal);
    private readonly Dictionary<long, JournalPosition> _firstOfDay = new(firstOfDay);
    private readonly int _windowDays = (int)Math.Ceiling(window.TotalDays) + 1;
    private readonly List<DateTimeOffset> _newest = [];
    private long _newestDay = long.MinValue;

    public int Count => _index.Count;
    public long Bytes => _index.Bytes;

    /// <summary>Where the log must be read from to know every id in the window, if anything is in it.</summary>
    public JournalPosition? From => _firstOfDay.Count == 0 ? null : _firstOfDay.Values.Min();

    /// <summary>Event day to where the first record of that day lies: what the checkpoint keeps.</summary>
    public Dictionary<long, JournalPosition> FirstOfDay => new(_firstOfDay);

    /// <summary>Judges a detection for a sector and remembers it when accepted, so that a copy arriving meanwhile is a duplicate.</summary>
    public Judged Judge(string member, DetectionKey key)
    {
        var id = IdOf(member);
        if (TooLate(id, key.Time)) return new Judged(Verdict.TooLate);
        if (_index.TryGet(key.IdHash, out var holder)) return new Judged(Verdict.Duplicate, _members[holder]);
        Remember(id, key);
        return new Judged(Verdict.Accepted);
    }

    /// <summary>An entry of accepted detections was written at <paramref name="at"/>.</summary>
    public void Written(JournalPosition at, DetectionKey[] keys)
    {
        foreach (var key in keys) FirstSeen(key.Time, at);
    }

    private void FirstSeen(DateTimeOffset time, JournalPosition at)
    {
        var day = Buckets.Index(BucketSize.Day, time);
        if (!_firstOfDay.TryGetValue(day, out var first) || at < first) _firstOfDay[day] = at;
    }

    /// <summary>Takes the ids of the detection records in a piece of the log (whole lines from a line start).</summary>
    public void Read(JournalPosition at, byte[] bytes) => ShardLines.Walk(bytes, (kind, member, start, length, _) =>
    {
        if (kind != ShardLines.Kind.Record) return;
        var detection = JsonSerializer.Deserialize(bytes.AsSpan(start, length), Json)!;
        var key = new DetectionKey(IdIndex.Hash(detection.Id), detection.Time);
        var id = IdOf(member!);
        if (TooLate(id, key.Time) || _index.TryGet(key.IdHash, out ushort _)) return;
        Remember(id, key);
        FirstSeen(key.Time, at.Plus(start));
    });

    private bool TooLate(ushort member, DateTimeOffset time) => _newest[member] != DateTimeOffset.MinValue && time < _newest[member] - window;

    private ushort IdOf(string member)
    {
        if (_memberIds.TryGetValue(member, out var id)) return id;
        if (_members.Count > ushort.MaxValue) throw new InvalidOperationException("more than 65,536 sectors in one scenario");
        _memberIds[member] = id = (ushort)_members.Count;
        _members.Add(member);
        _newest.Add(DateTimeOffset.MinValue);
        return id;
    }

    private void Remember(ushort member, DetectionKey key)
    {
        _index.Add(key.IdHash, member, IdIndex.DayOf(key.Time));
        if (key.Time <= _newest[member]) return;
        _newest[member] = key.Time;
        var today = Buckets.Index(BucketSize.Day, key.Time);
        if (today <= _newestDay) return;
        // The scenario reached a new day: ids and days behind their sector's window are let go.
        _newestDay = today;
        var firstDays = _newest.Select(FirstDay).ToArray();
        _index.Prune([.. firstDays.Select(d => (ushort)d)]);
        var first = firstDays.Min();
        foreach (var day in _firstOfDay.Keys.Where(d => d < first).ToList()) _firstOfDay.Remove(day);
    }

    /// <summary>The first event day a sector's window still holds (a day early, to be safe at its edge).</summary>
    private long FirstDay(DateTimeOffset newest) =>
        newest == DateTimeOffset.MinValue ? long.MinValue / 2 : Buckets.Index(BucketSize.Day, newest) - _windowDays;
}
