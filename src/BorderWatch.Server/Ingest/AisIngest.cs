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
/// tag block's <c>c</c>, else the server's clock at arrival with the report's UTC second applied.
/// </summary>
public sealed class AisIngest(IngestService ingest, IOptions<AisOptions> options, TimeProvider clock)
{
    public async Task<AisResult> IngestAsync(string scenario, string text)
    {
        var reader = new AisReader(options.Value.PartTimeout);
        var arrival = clock.GetUtcNow();
        var positions = new List<IngestService.Lined<Position>>();
        var vessels = new Dictionary<string, IngestService.Lined<Vessel>>(StringComparer.Ordinal);
        var rejected = new List<AisLineError>();
        var (number, sentences) = (0, 0);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            number++;
            if (line.IsWhiteSpace()) continue;
            sentences++;
            var result = reader.Read(line, arrival);
            if (result.Status == ReadStatus.Rejected) rejected.Add(new AisLineError(number, result.Error!));
            if (result.Status != ReadStatus.Message) continue;
            var message = result.Message;
            if (message.Kind is DecodedKind.Position or DecodedKind.PositionAndStatic)
            {
                var report = message.Position;
                var time = result.Time ?? AtSecond(arrival, report.Second);
                if (report is { Lat: { } lat, Lon: { } lon })
                    positions.Add(new(number, new Position(report.Mmsi.ToString(), time, lat, lon, report.SpeedKn, report.CourseDeg, options.Value.KindOf(report.Mmsi))));
                Describe(vessels, number, report.Mmsi, time, report.Class, report.Status, null);
            }
            if (message.Static is { } description) Describe(vessels, number, description.Mmsi, result.Time ?? arrival, description.Class, null, description);
        }
        reader.Sweep(DateTimeOffset.MaxValue); // parts left over: this body is all there is of them
        var lineErrors = new List<LineError>();
        var ingested = positions.Count == 0 && vessels.Count == 0
            ? new IngestResult(0, 0, [], [])
            : await ingest.IngestPositionsAsync(scenario, positions, lineErrors, vessels);
        rejected.AddRange(ingested.Rejected.Select(e => new AisLineError(e.Line, $"{e.Field}: {e.Error}")));
        var ignored = Enumerable.Range(0, 64).Where(t => reader.Counters.Ignored[t] > 0).ToDictionary(t => t, t => reader.Counters.Ignored[t]);
        return new AisResult(sentences, (int)reader.Counters.Messages, ingested.Accepted, ingested.Duplicates,
            [.. rejected.OrderBy(r => r.Line)], ignored);
    }

    /// <summary>
    /// Adds what a message says of its vessel to what the body said before. Position reports repeat their class and
    /// status, so one that says nothing new costs a lookup and no allocation.
    /// </summary>
    private void Describe(Dictionary<string, IngestService.Lined<Vessel>> vessels, int line, uint mmsi, DateTimeOffset time, AisClass aisClass,
        int? status, StaticReport? description)
    {
        var asset = mmsi.ToString();
        var held = vessels.TryGetValue(asset, out var h) ? h.Record : null;
        var classText = aisClass == AisClass.A ? "A" : "B";
        if (description is null && held is not null && held.Class == classText && (status is null || held.Status == status)) return;
        var said = description is null
            ? new Vessel(time, classText, Status: status, StatusText: NavigationStatus.Text(status))
            : VesselOf(description, time) with { Class = classText };
        if (options.Value.NameOf(mmsi) is { } ownName) said = said with { Name = ownName };
        vessels[asset] = new(line, held?.Merge(said) ?? said);
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

    /// <summary>The arrival time with the report's second of the minute: the last such moment not after arrival (plus a second's grace).</summary>
    public static DateTimeOffset AtSecond(DateTimeOffset arrival, int? second)
    {
        if (second is not { } s) return arrival;
        var minute = new DateTimeOffset(arrival.Ticks - arrival.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var at = minute.AddSeconds(s);
        return at > arrival.AddSeconds(1) ? at.AddMinutes(-1) : at;
    }
}
