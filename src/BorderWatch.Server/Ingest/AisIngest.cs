using BorderWatch.Ais;
using BorderWatch.Contracts;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Ingest;

/// <summary>What became of an AIS body: every sentence, the messages it made, and of their positions what ingest made.</summary>
public sealed record AisResult(int Sentences, int Messages, int Accepted, int Duplicates, IReadOnlyList<AisLineError> Rejected, IReadOnlyDictionary<int, long> Ignored);

/// <summary>A refused line: its number and why.</summary>
public sealed record AisLineError(int Line, string Error);

/// <summary>
/// NMEA lines to asset positions through the same ingest as JSON positions: a position report becomes a position of
/// the asset whose id is the MMSI in digits, kind "patrol" for the own fleet and "vessel" otherwise. Its time is the
/// tag block's <c>c</c>, else the line's arrival with the report's UTC second applied. What a vessel says of itself
/// goes with it. An HTTP body is one batch read by a reader of its own; a stream's batches share one reader, so
/// that a message may straddle them.
/// </summary>
public sealed class AisIngest(IngestService ingest, IOptions<AisOptions> options, TimeProvider clock)
{
    public AisReader NewReader() => new(options.Value.PartTimeout);

    public AisBatch NewBatch(AisReader reader) => new(reader, options.Value);

    public async Task<AisResult> IngestAsync(string scenario, string text)
    {
        var batch = NewBatch(NewReader());
        var arrival = clock.GetUtcNow();
        var number = 0;
        foreach (var line in text.AsSpan().EnumerateLines()) batch.Add(++number, line, arrival);
        batch.Reader.Sweep(DateTimeOffset.MaxValue); // parts left over: this body is all there is of them
        return await SendAsync(scenario, batch);
    }

    /// <summary>Sends the batch's positions and descriptions through ingest; returns once they are durable.</summary>
    public async Task<AisResult> SendAsync(string scenario, AisBatch batch)
    {
        var lineErrors = new List<LineError>();
        var ingested = batch.Positions.Count == 0 && batch.Vessels.Count == 0
            ? new IngestResult(0, 0, [], [])
            : await ingest.IngestPositionsAsync(scenario, batch.Positions, lineErrors, batch.Vessels);
        var rejected = batch.Rejected.Concat(ingested.Rejected.Select(e => new AisLineError(e.Line, $"{e.Field}: {e.Error}"))).OrderBy(r => r.Line).ToList();
        var ignored = Enumerable.Range(0, 64).Where(t => batch.Ignored[t] > 0).ToDictionary(t => t, t => batch.Ignored[t]);
        return new AisResult(batch.Sentences, batch.Messages, ingested.Accepted, ingested.Duplicates, rejected, ignored);
    }

    /// <summary>The arrival time with the report's second of the minute: the last such moment not after arrival (plus a second's grace).</summary>
    public static DateTimeOffset AtSecond(DateTimeOffset arrival, int? second)
    {
        if (second is not { } s) return arrival;
        var minute = new DateTimeOffset(arrival.Ticks - arrival.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var at = minute.AddSeconds(s);
        return at > arrival.AddSeconds(1) ? at.AddMinutes(-1) : at;
    }

    /// <summary>Static and voyage data as an asset keeps it: length and beam from the four distances, the ETA given a year.</summary>
    public static Vessel VesselOf(StaticReport report, DateTimeOffset time) => new(time,
        Name: report.Name, CallSign: report.CallSign, Imo: report.Imo, ShipType: report.ShipType, ShipTypeText: report.ShipTypeText,
        LengthM: report is { ToBow: { } bow, ToStern: { } stern } ? bow + stern : null,
        BeamM: report is { ToPort: { } port, ToStarboard: { } starboard } ? port + starboard : null,
        DraughtM: report.DraughtM, Destination: report.Destination, Eta: EtaAfter(report.Eta, time));

    /// <summary>The first moment at or after a day before <paramref name="time"/> that matches the ETA's month, day, hour and minute (unknown hour or minute: 0).</summary>
    public static DateTimeOffset? EtaAfter(Eta? eta, DateTimeOffset time)
    {
        if (eta is not { Month: { } month and <= 12, Day: { } day }) return null;
        for (var year = time.Year; year <= time.Year + 1; year++)
        {
            if (day > DateTime.DaysInMonth(year, month)) continue;
            var at = new DateTimeOffset(year, month, day, eta.Hour ?? 0, eta.Minute ?? 0, 0, TimeSpan.Zero);
            if (at >= time.AddDays(-1)) return at;
        }
        return null;
    }
}

/// <summary>Lines decoded by one reader and gathered for one trip through ingest: positions, descriptions, refusals.</summary>
public sealed class AisBatch(AisReader reader, AisOptions options)
{
    public AisReader Reader => reader;
    public List<IngestService.Lined<Position>> Positions { get; } = [];
    public Dictionary<string, IngestService.Lined<Vessel>> Vessels { get; } = new(StringComparer.Ordinal);
    public List<AisLineError> Rejected { get; } = [];
    public int Sentences { get; private set; }
    public int Messages { get; private set; }
    public long[] Ignored { get; } = new long[64];

    public void Add(int number, ReadOnlySpan<char> line, DateTimeOffset arrival)
    {
        if (line.IsWhiteSpace()) return;
        Sentences++;
        var result = reader.Read(line, arrival);
        if (result.Status == ReadStatus.Rejected) Rejected.Add(new AisLineError(number, result.Error!));
        if (result.Status != ReadStatus.Message) return;
        Messages++;
        var message = result.Message;
        if (message.Kind == DecodedKind.Ignored) Ignored[message.Type]++;
        if (message.Kind is DecodedKind.Position or DecodedKind.PositionAndStatic)
        {
            var report = message.Position;
            var time = result.Time ?? AisIngest.AtSecond(arrival, report.Second);
            var asset = report.Mmsi.ToString();
            if (report is { Lat: { } lat, Lon: { } lon })
                Positions.Add(new(number, new Position(asset, time, lat, lon, report.SpeedKn, report.CourseDeg, options.KindOf(report.Mmsi))));
            Describe(number, asset, report.Mmsi, time, report.Class, report.Status, null);
        }
        if (message.Static is { } description)
            Describe(number, description.Mmsi.ToString(), description.Mmsi, result.Time ?? arrival, description.Class, null, description);
    }

    /// <summary>
    /// Adds what a message says of its vessel to what the batch said before. Position reports repeat their class and
    /// status, so one that says nothing new costs a lookup and no allocation.
    /// </summary>
    private void Describe(int line, string asset, uint mmsi, DateTimeOffset time, AisClass aisClass, int? status, StaticReport? description)
    {
        var held = Vessels.TryGetValue(asset, out var h) ? h.Record : null;
        var classText = aisClass == AisClass.A ? "A" : "B";
        if (description is null && held is not null && held.Class == classText && (status is null || held.Status == status)) return;
        var said = description is null
            ? new Vessel(time, classText, Status: status, StatusText: NavigationStatus.Text(status))
            : AisIngest.VesselOf(description, time) with { Class = classText };
        if (options.NameOf(mmsi) is { } ownName) said = said with { Name = ownName };
        Vessels[asset] = new(line, held?.Merge(said) ?? said);
    }
}
