using BorderWatch.Geography;

namespace BorderWatch.Grains;

[GenerateSerializer, Alias("bw.AssetState")]
public sealed class AssetState
{
    [Id(0)] public string? Kind { get; set; }

    /// <summary>The recent track, oldest first; its last point is the latest position.</summary>
    // Id 1 held track points of an earlier layout: a state saved with them comes back with an empty track (Orleans
    // skips fields it does not know) rather than misread; the records journaled after it are applied as usual.
    [Id(7)] public List<TrackPoint> Track { get; set; } = [];

    [Id(2)] public string? Sector { get; set; }
    [Id(3)] public List<SectorTransition> Transitions { get; set; } = [];

    /// <summary>Every position ever accepted, and the earliest: the track itself keeps only the recent ones.</summary>
    [Id(5)] public long Reported { get; set; }
    [Id(6)] public DateTimeOffset? First { get; set; }

    /// <summary>What the vessel says of itself over AIS, kept in the saved state (no journaled record carries it).</summary>
    [Id(8)] public Vessel? Vessel { get; set; }

    /// <summary>Since when it has been slow, for the loitering rule; null while it moves.</summary>
    [Id(9)] public LoiterWindow? Loiter { get; set; }
}

/// <summary>A run of slow reports: the first and the latest, the distance between them along the way, and whether the book was told.</summary>
[GenerateSerializer, Alias("bw.LoiterWindow")]
public sealed class LoiterWindow
{
    [Id(0)] public TrackPoint From { get; set; }
    [Id(1)] public TrackPoint Latest { get; set; }
    [Id(2)] public double Km { get; set; }
    [Id(3)] public bool Told { get; set; }
    /// <summary>When it was last found near a coast: looked at again 10 minutes of event time later at the soonest.</summary>
    [Id(4)] public DateTimeOffset? Inshore { get; set; }

    public TimeSpan Length => Latest.Time - From.Time;
    public double AverageKnots => Length > TimeSpan.Zero ? Km / GreatCircle.KmPerNauticalMile / Length.TotalHours : 0;
}

/// <summary>
/// One asset of a fleet: its state (recent track, sector, transitions, what it says of itself) and the behaviour
/// rules judged report by report. A plain object, not a grain: its fleet journals its reports and tells the book.
/// </summary>
public sealed class Asset(string id, AssetRules rules)
{
    private readonly AssetRules _rules = rules;

    private static readonly IComparer<TrackPoint> ByTime = Comparer<TrackPoint>.Create((a, b) => a.Time.CompareTo(b.Time));

    public string Id { get; } = id;

    public AssetState State { get; set; } = new();

    // Its fleet's bookkeeping, kept here rather than in an object of its own (each asset's bytes count): whether it
    // holds records its saved state lacks, and when it was last reported or asked about (Environment.TickCount64).
    public bool Dirty { get; set; }
    public long Touched { get; set; }

    private List<TrackPoint> Track => State.Track;

    /// <summary>What a report changes is judged against what the asset was before it.</summary>
    public readonly record struct Before(TrackPoint? Newest, int? Status, int Crossed, SectorTransition LastCrossing);

    public Before Mark() => new(Track.Count > 0 ? Track[^1] : null, State.Vessel?.Status, State.Transitions.Count,
        State.Transitions.Count > 0 ? State.Transitions[^1] : default);

    public bool HasReported => Track.Count > 0;

    public AssetStatus? Status => Track.Count == 0 ? null : new AssetStatus(Id, State.Kind, Track[^1], State.Sector, State.Transitions.ToArray(), State.Vessel);

    public AssetMoved Moved(string scenario) => new(scenario, Id, State.Kind, Track[^1], State.Sector, State.Vessel);

    public TrackPoint[] TrackBetween(DateTimeOffset from, DateTimeOffset to) => Track.Where(p => p.Time >= from && p.Time < to).ToArray();

    /// <summary>The last kept point at or before a moment (the track is in time order); null when it starts later.</summary>
    public TrackPoint? PositionAt(DateTimeOffset at)
    {
        TrackPoint? latest = null;
        foreach (var point in Track)
        {
            if (point.Time > at) break;
            latest = point;
        }
        return latest;
    }

    public RecordSpan Span => new(State.Reported, 0, State.First, Track.Count > 0 ? Track[^1].Time : null);

    /// <summary>The loitering reports and encounter-cell reports the positions applied since the last take made: told after the journal write, in order.</summary>
    public (List<LoiterReport>? Loitering, List<(string Cell, CellReport Report)>? Meeting) TakeTold()
    {
        var told = (_loitering, _meeting);
        (_loitering, _meeting) = (null, null);
        return told;
    }

    // What the positions applied since the last call did by the loitering rule: told after the journal write, in order.
    private List<LoiterReport>? _loitering;

    /// <summary>How far the asset moved since the point before, and whether it is slow: under 2 kn by its speed, or by the speed the move implies.</summary>
    private static (double Km, bool Slow) Pace(TrackPoint point, TrackPoint? before)
    {
        var moved = before is { } b ? GreatCircle.Km(b.Lat, b.Lon, point.Lat, point.Lon) : 0;
        var implied = before is { } p && point.Time > p.Time ? moved / GreatCircle.KmPerNauticalMile / (point.Time - p.Time).TotalHours : 0;
        return (moved, (point.SpeedKn ?? implied) < Alerting.LoiteringOptions.SlowKnots);
    }

    // The encounter cells this asset's slow reports went to (so that moving on is told to them), and the last
    // offshore check, looked at again 10 minutes of event time later at the soonest. Kept in memory only: a cell
    // forgets an asset it has not heard from anyway.
    // Made when first needed: most assets never meet anyone, and each asset's bytes count (issue 20).
    private List<(string Cell, CellReport Report)>? _meeting;
    private HashSet<string>? _inCells;
    private long _offshoreAt = long.MinValue; // ms since 1970: a nullable tuple of a time and a bool took 32 bytes
    private bool _offshore;

    /// <summary>Slow reports offshore go to the encounter cells around them; the first report that is not tells those cells it moved on.</summary>
    private void Meet(TrackPoint point, bool slow)
    {
        var rule = _rules.Behaviour.Encounter;
        if (!rule.Watches(State.Kind)) return;
        if (slow && !Alerting.BehaviourOptions.Anchored(State.Vessel?.Status) && Offshore(point, rule.OffshoreKm))
        {
            foreach (var (cell, home) in rule.CellsOf(point.Lat, point.Lon))
            {
                (_meeting ??= []).Add((cell, new CellReport(Seen(point), true, home)));
                (_inCells ??= new(StringComparer.Ordinal)).Add(cell);
            }
            return;
        }
        if (_inCells is null) return;
        foreach (var cell in _inCells) (_meeting ??= []).Add((cell, new CellReport(Seen(point), false, false)));
        _inCells = null;
    }

    private bool Offshore(TrackPoint point, double km)
    {
        var at = point.Time.ToUnixTimeMilliseconds();
        if (_offshoreAt == long.MinValue || at - _offshoreAt >= 10 * 60_000 || at < _offshoreAt)
            (_offshoreAt, _offshore) = (at, _rules.Coastline.IsOffshore(point.Lat, point.Lon, km));
        return _offshore;
    }

    /// <summary>
    /// Keeps the run of slow reports up to date with a new newest point: a report under 2 kn (its speed, or the one
    /// its move from the point before implies) lengthens it, a faster one ends it. A run long and slow enough,
    /// offshore, is loitering; one that ends after that has moved on. Judged point by point, so a batch carrying
    /// hours of reports gives what they would give one by one.
    /// </summary>
    private void Linger(TrackPoint point, (double Km, bool Slow) pace)
    {
        var rule = _rules.Behaviour.Loitering;
        if (!rule.Watches(State.Kind)) return;
        var (moved, slow) = pace;
        if (!slow || Alerting.BehaviourOptions.Anchored(State.Vessel?.Status))
        {
            if (State.Loiter is { Told: true } told) (_loitering ??= []).Add(new LoiterReport(Seen(told.From), Seen(told.Latest), told.AverageKnots, Seen(point)));
            State.Loiter = null;
            return;
        }
        if (State.Loiter is not { } run)
        {
            State.Loiter = new LoiterWindow { From = point, Latest = point };
            return;
        }
        (run.Km, run.Latest) = (run.Km + moved, point);
        if (run.Told || run.Length < rule.For || run.AverageKnots >= Alerting.LoiteringOptions.SlowKnots) return;
        if (run.Inshore is { } looked && point.Time - looked < TimeSpan.FromMinutes(10)) return;
        if (!_rules.Coastline.IsOffshore(point.Lat, point.Lon, rule.OffshoreKm))
        {
            run.Inshore = point.Time;
            return;
        }
        run.Told = true;
        (_loitering ??= []).Add(new LoiterReport(Seen(run.From), Seen(run.Latest), run.AverageKnots, null));
    }

    /// <summary>
    /// The silences as long as the dark rule's that this call's positions ended: pairs of successive points from the
    /// newest one before the call (or, when the call brought older reports than that, from the one before the
    /// oldest of them), so a batch that carries hours of a vessel's reports is judged report by report, and reports
    /// that arrive after later ones are judged where they belong. The book judges whether each was going dark, and
    /// where the vessel came back; a pair judged before is the same alert.
    /// </summary>
    public DarkReport[] Silences(TrackPoint? since, int? statusThen, DateTimeOffset earliest)
    {
        var rule = _rules.Behaviour.Dark;
        if (!rule.Watches(State.Kind) || Track.Count == 0 || earliest == DateTimeOffset.MaxValue) return [];
        TrackPoint first;
        if (since is { } s && s.Time < earliest) first = s;   // the usual case: the call's reports are newer than the track
        else
        {
            var k = Track.FindLastIndex(p => p.Time < earliest);
            first = k >= 0 ? Track[k] : Track[0];
        }
        if (Track[^1].Time - first.Time < rule.After) return [];
        var reports = new List<DarkReport>();
        var before = first; // kept aside: the track may have let it go to make room
        foreach (var after in Track.Where(p => p.Time > first.Time))
        {
            if (after.Time - before.Time >= rule.After)
            {
                var status = before == first ? statusThen : State.Vessel?.Status;
                reports.Add(new DarkReport(Seen(before), before.SpeedKn, Alerting.DarkOptions.UnderWay(before.SpeedKn, status), Seen(after)));
            }
            before = after;
        }
        return [.. reports];
    }

    private AlertAsset Seen(TrackPoint point) => new(Id, State.Kind, State.Vessel?.Name, point.Lat, point.Lon, point.Time);

    /// <summary>
    /// The sector crossings this call's positions made (those after <paramref name="last"/>), for the alert book's
    /// behaviour rules. Only accepted reports cross: positions replayed from the journal on activation do not, so
    /// a crossing is told once (a lost one-way call loses its alert; the crossing stays in the asset's transitions).
    /// </summary>
    public SectorCrossing[] Crossings(int countBefore, SectorTransition last)
    {
        var transitions = State.Transitions;
        var from = countBefore == 0 ? 0 : transitions.LastIndexOf(last) + 1;
        if (from >= transitions.Count) return [];
        var crossings = new SectorCrossing[transitions.Count - from];
        for (var i = from; i < transitions.Count; i++)
        {
            var t = transitions[i];
            var point = IndexOf(t.Time) is var k and >= 0 ? Track[k] : Track[^1];
            crossings[i - from] = new SectorCrossing(Seen(point) with { Time = t.Time }, t.From, t.To, State.Vessel?.ShipType);
        }
        return crossings;
    }

    /// <summary>Merges what the vessel said; true when that changed its description (most reports repeat it).</summary>
    public bool Describe(Vessel vessel)
    {
        var merged = State.Vessel?.Merge(vessel) ?? vessel;
        if (ReferenceEquals(merged, State.Vessel)) return false;
        State.Vessel = merged;
        return true;
    }

    /// <summary>
    /// A position is a duplicate when the track already has one at that time; one older than everything the track
    /// keeps cannot be checked, so it is refused rather than risk keeping a retry twice.
    /// </summary>
    public Verdict Judge(Position position)
    {
        if (Track.Count == 0) return Verdict.Accepted;
        if (IndexOf(position.Time) >= 0) return Verdict.Duplicate;
        var horizon = Track[^1].Time - _rules.Assets.TrackWindow;
        if (Track.Count >= _rules.Assets.TrackPoints && Track[0].Time > horizon) horizon = Track[0].Time;
        return position.Time < horizon ? Verdict.TooLate : Verdict.Accepted;
    }

    // To the millisecond, as the track keeps times: a retry is the same report whatever finer digits it carries.
    public static long KeyOf(Position position) => position.Time.ToUnixTimeMilliseconds();

    public void Apply(Position position)
    {
        var point = new TrackPoint(position.Time, position.Lat, position.Lon, position.SpeedKn, position.CourseDeg);
        State.Reported++;
        if (State.First is null || position.Time < State.First) State.First = position.Time;
        var index = ~IndexOf(position.Time);
        // A full track lets its oldest point go first (an accepted point is never older than it), and its array
        // grows no further than the points it keeps (List would double it to 128 for 100 points).
        if (Track.Count >= _rules.Assets.TrackPoints && index > 0)
        {
            Track.RemoveAt(0);
            index--;
        }
        if (Track.Count == Track.Capacity) Track.Capacity = Math.Max(Track.Count + 1, Math.Min(2 * Track.Count, _rules.Assets.TrackPoints));
        Track.Insert(index, point);
        if (index == Track.Count - 1)
        {
            MoveTo(position);
            // Both behaviour rules ask how far it moved and whether it is slow: worked out once a report.
            var pace = Pace(point, Track.Count > 1 ? Track[^2] : null);
            Linger(point, pace);
            Meet(point, pace.Slow);
        }
        else Meet(point, Pace(point, index > 0 ? Track[index - 1] : null).Slow); // late: its cells put it in its place
        var horizon = Track[^1].Time - _rules.Assets.TrackWindow;
        var drop = 0;
        while (drop < Track.Count - 1 && (Track.Count - drop > _rules.Assets.TrackPoints || Track[drop].Time < horizon)) drop++;
        Track.RemoveRange(0, drop);
    }

    /// <summary>The newest position decides the sector the asset is in; a change is an exit and an entry.</summary>
    private void MoveTo(Position position)
    {
        if (position.Kind is not null && position.Kind != State.Kind) State.Kind = position.Kind; // keep the string it has
        var sector = _rules.Catalogue.Locate(position.Lat, position.Lon)?.Id;
        if (sector == State.Sector) return;
        var from = State.Sector;
        State.Sector = sector;
        var transitions = State.Transitions;
        if (_rules.Assets.Transitions == 0) return;
        if (transitions.Count >= _rules.Assets.Transitions) transitions.RemoveRange(0, transitions.Count - _rules.Assets.Transitions + 1);
        // One at a time: most assets cross a sector or two, and List would make room for four.
        if (transitions.Count == transitions.Capacity) transitions.Capacity = transitions.Count + 1;
        transitions.Add(new SectorTransition(position.Time, from, sector));
    }

    private int IndexOf(DateTimeOffset time) =>
        Track.BinarySearch(new TrackPoint(time, 0, 0, null, null), ByTime);
}

/// <summary>What every asset judges its reports by: one for all of a fleet's assets.</summary>
public sealed record AssetRules(SectorCatalogue Catalogue, AssetOptions Assets, Alerting.BehaviourOptions Behaviour, Coastline Coastline);
