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
        var rejected = new List<AisLineError>();
        var (number, sentences) = (0, 0);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            number++;
            if (line.IsWhiteSpace()) continue;
            sentences++;
            var result = reader.Read(line, arrival);
            if (result.Status == ReadStatus.Rejected) rejected.Add(new AisLineError(number, result.Error!));
            else if (result.Status == ReadStatus.Message && result.Message.Kind is DecodedKind.Position or DecodedKind.PositionAndStatic
                     && result.Message.Position is { Lat: { } lat, Lon: { } lon } report)
            {
                positions.Add(new(number, new Position(report.Mmsi.ToString(), result.Time ?? AtSecond(arrival, report.Second), lat, lon,
                    report.SpeedKn, report.CourseDeg, options.Value.KindOf(report.Mmsi))));
            }
        }
        reader.Sweep(DateTimeOffset.MaxValue); // parts left over: this body is all there is of them
        var lineErrors = new List<LineError>();
        var ingested = positions.Count == 0 ? new IngestResult(0, 0, [], []) : await ingest.IngestPositionsAsync(scenario, positions, lineErrors);
        rejected.AddRange(ingested.Rejected.Select(e => new AisLineError(e.Line, $"{e.Field}: {e.Error}")));
        var ignored = Enumerable.Range(0, 64).Where(t => reader.Counters.Ignored[t] > 0).ToDictionary(t => t, t => reader.Counters.Ignored[t]);
        return new AisResult(sentences, (int)reader.Counters.Messages, ingested.Accepted, ingested.Duplicates,
            [.. rejected.OrderBy(r => r.Line)], ignored);
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
