using BorderWatch.Contracts;
using BorderWatch.Grains;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Ingest;

/// <summary>
/// Sends validated records to their grains (sector for detections, asset for positions) and turns the grains'
/// verdicts back into per-line answers. Nothing is acknowledged until every grain has journaled its part.
/// </summary>
public sealed class IngestService(IGrainFactory grains, IOptions<IngestOptions> ingest, IOptions<CountingOptions> counting, IOptions<AssetOptions> assets)
{
    /// <summary>A record with the line it came from.</summary>
    public readonly record struct Lined<T>(int Line, T Record);

    public async Task<IngestResult> IngestDetectionsAsync(string scenario, List<Lined<Detection>> records, List<LineError> rejected)
    {
        var unique = InBatchDuplicates(records, d => d.Id, rejected, out var duplicates);
        var verdicts = await DispatchAsync(unique, d => d.Sector,
            (sector, batch) => grains.GetGrain<ISectorGrain>(GrainKeys.For(scenario, sector)).IngestAsync(batch));
        var result = Tally(unique, verdicts, duplicates, rejected, d => d.Id,
            d => $"more than {counting.Value.DedupWindow.TotalDays:0.#} days older than the newest detection of sector '{d.Sector}', too late to check for duplicates");
        await ObserveAsync(scenario, unique, verdicts, d => d.Time);
        return result;
    }

    public async Task<IngestResult> IngestPositionsAsync(string scenario, List<Lined<Position>> records, List<LineError> rejected)
    {
        var unique = InBatchDuplicates(records, p => (p.Asset, p.Time), rejected, out var duplicates);
        var verdicts = await DispatchAsync(unique, p => p.Asset,
            (asset, batch) => grains.GetGrain<IAssetGrain>(GrainKeys.For(scenario, asset)).ReportAsync(batch));
        var result = Tally(unique, verdicts, duplicates, rejected, p => p.Asset,
            p => $"older than the {assets.Value.TrackPoints} points / {assets.Value.TrackWindow.TotalHours:0.#} h of track kept for asset '{p.Asset}', too late to check for duplicates");
        await ObserveAsync(scenario, unique, verdicts, p => p.Time);
        return result;
    }

    /// <summary>
    /// The same record twice in one request counts once; the same key with different content is refused,
    /// since it cannot be known which one the sender meant.
    /// </summary>
    private static List<Lined<T>> InBatchDuplicates<T, TKey>(List<Lined<T>> records, Func<T, TKey> key, List<LineError> rejected, out int duplicates)
        where TKey : notnull
    {
        var first = new Dictionary<TKey, Lined<T>>();
        var unique = new List<Lined<T>>(records.Count);
        duplicates = 0;
        foreach (var record in records)
        {
            if (!first.TryGetValue(key(record.Record), out var earlier))
            {
                first.Add(key(record.Record), record);
                unique.Add(record);
            }
            else if (Equals(earlier.Record, record.Record)) duplicates++;
            else rejected.Add(new LineError(record.Line, key(record.Record).ToString(), "id", $"repeats the id of line {earlier.Line} with different content"));
        }
        return unique;
    }

    /// <summary>Groups records by grain and calls the grains in parallel, in bounded batches; verdicts come back in record order.</summary>
    private async Task<Verdict[]> DispatchAsync<T>(List<Lined<T>> records, Func<T, string> grainOf, Func<string, T[], Task<Verdict[]>> call)
    {
        var verdicts = new Verdict[records.Count];
        var calls = records
            .Select((r, index) => (r.Record, Index: index))
            .GroupBy(r => grainOf(r.Record))
            .SelectMany(group => group.Chunk(ingest.Value.MaxRecordsPerCall).Select(async chunk =>
            {
                var answer = await call(group.Key, chunk.Select(c => c.Record).ToArray());
                for (var i = 0; i < chunk.Length; i++) verdicts[chunk[i].Index] = answer[i];
            }));
        await Task.WhenAll(calls);
        return verdicts;
    }

    private static IngestResult Tally<T>(List<Lined<T>> records, Verdict[] verdicts, int duplicates, List<LineError> rejected,
        Func<T, string> id, Func<T, string> tooLate)
    {
        var accepted = 0;
        for (var i = 0; i < records.Count; i++)
        {
            switch (verdicts[i])
            {
                case Verdict.Accepted: accepted++; break;
                case Verdict.Duplicate: duplicates++; break;
                case Verdict.TooLate: rejected.Add(new LineError(records[i].Line, id(records[i].Record), "time", tooLate(records[i].Record))); break;
            }
        }
        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new IngestResult(accepted, duplicates, rejected);
    }

    private async Task ObserveAsync<T>(string scenario, List<Lined<T>> records, Verdict[] verdicts, Func<T, DateTimeOffset> time)
    {
        var newest = records.Where((_, i) => verdicts[i] == Verdict.Accepted).Select(r => time(r.Record)).DefaultIfEmpty().Max();
        if (newest != default) await grains.GetGrain<IScenarioGrain>(scenario).ObserveAsync(newest);
    }
}
