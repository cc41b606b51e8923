using BorderWatch.Contracts;
using BorderWatch.Grains;
using BorderWatch.Server.Security;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BorderWatch.Server.Ingest;

/// <summary>
/// Sends validated records to their grains (sector for detections, fleet for positions) and turns the grains'
/// verdicts back into per-line answers. Nothing is acknowledged until every grain has journaled its part.
/// </summary>
public sealed class IngestService(IGrainFactory grains, IOptions<IngestOptions> ingest, IOptions<CountingOptions> counting, IOptions<AssetOptions> assets,
    IOptions<QuotaOptions> quotas)
{
    /// <summary>A record with the line it came from.</summary>
    public readonly record struct Lined<T>(int Line, T Record);

    public async Task<IngestResult> IngestDetectionsAsync(string scenario, List<Lined<Detection>> records, List<LineError> rejected)
    {
        var unique = InBatchDuplicates(records, d => d.Id, rejected, out var duplicates);
        var verdicts = await DispatchAsync(unique, d => d.Sector,
            (sector, batch) => grains.GetGrain<ISectorGrain>(GrainKeys.For(scenario, sector)).IngestAsync(batch));
        var result = Tally(unique, verdicts, duplicates, rejected, d => d.Id, d => d.Sector,
            d => $"more than {counting.Value.DedupWindow.TotalDays:0.#} days older than the newest detection of sector '{d.Sector}', too late to check for duplicates");
        await ObserveAsync(scenario, unique, verdicts, d => d.Time);
        return result;
    }

    /// <summary>
    /// Positions to their assets, with what vessels said of themselves (<paramref name="vessels"/>, by asset, with
    /// the line that said it last), which goes with the asset's positions or alone.
    /// </summary>
    public async Task<IngestResult> IngestPositionsAsync(string scenario, List<Lined<Position>> records, List<LineError> rejected,
        IReadOnlyDictionary<string, Lined<Vessel>>? vessels = null)
    {
        vessels ??= new Dictionary<string, Lined<Vessel>>();
        var unique = InBatchDuplicates(records, p => (p.Asset, p.Time), rejected, out var duplicates);
        var admitted = await AdmitAsync(scenario, unique, vessels, rejected);
        unique = admitted.Positions;
        var verdicts = await ReportAsync(scenario, unique, vessels, admitted.DescribedOnly);
        var result = Tally(unique, verdicts, duplicates, rejected, p => p.Asset, p => p.Asset,
            p => $"older than the {assets.Value.TrackPoints} points / {assets.Value.TrackWindow.TotalHours:0.#} h of track kept for asset '{p.Asset}', too late to check for duplicates");
        await ObserveAsync(scenario, unique, verdicts, p => p.Time);
        return result;
    }

    /// <summary>
    /// Each asset's positions (with its description, or the description alone) to its fleet, one call a fleet (in
    /// bounded batches); verdicts come back in record order.
    /// </summary>
    private async Task<Judged[]> ReportAsync(string scenario, List<Lined<Position>> records, IReadOnlyDictionary<string, Lined<Vessel>> vessels,
        List<Lined<(string Asset, Vessel Vessel)>> describedOnly)
    {
        // Plain loops rather than LINQ: a batch of positions can mean 5,000 assets, and this runs for each.
        var byAsset = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var asset = records[i].Record.Asset;
            if (!byAsset.TryGetValue(asset, out var indices)) byAsset.Add(asset, indices = new List<int>(1));
            indices.Add(i);
        }
        foreach (var described in describedOnly) byAsset.TryAdd(described.Record.Asset, []);
        var byFleet = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var asset in byAsset.Keys)
        {
            var fleet = JournalShards.For(scenario, JournalShards.Assets, asset);
            if (!byFleet.TryGetValue(fleet, out var assets)) byFleet.Add(fleet, assets = []);
            assets.Add(asset);
        }
        var verdicts = new Judged[records.Count];
        var max = ingest.Value.MaxRecordsPerCall;
        var calls = new List<Task>(byFleet.Count);
        foreach (var (fleet, assets) in byFleet)
        {
            var batch = new List<AssetReport>();
            var size = 0;
            foreach (var asset in assets)
            {
                var indices = byAsset[asset];
                var positions = new Position[indices.Count];
                for (var i = 0; i < positions.Length; i++) positions[i] = records[indices[i]].Record;
                batch.Add(new AssetReport(asset, positions, vessels.TryGetValue(asset, out var v) ? v.Record : null));
                if ((size += positions.Length) < max) continue;
                calls.Add(CallAsync(fleet, batch));
                (batch, size) = ([], 0);
            }
            if (batch.Count > 0) calls.Add(CallAsync(fleet, batch));
        }
        await Task.WhenAll(calls);
        return verdicts;

        async Task CallAsync(string fleet, List<AssetReport> batch)
        {
            var answer = (await grains.GetGrain<IFleetGrain>(fleet).ReportAsync([.. batch])).Value;
            for (var k = 0; k < batch.Count; k++)
            {
                var indices = byAsset[batch[k].Asset];
                for (var i = 0; i < indices.Count; i++) verdicts[indices[i]] = new Judged(answer[k][i]);
            }
        }
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

    /// <summary>
    /// The positions of the assets the scenario's quota lets in, and the descriptions of admitted assets that came
    /// without a position; the lines of the others are refused one by one.
    /// </summary>
    private async Task<(List<Lined<Position>> Positions, List<Lined<(string Asset, Vessel Vessel)>> DescribedOnly)> AdmitAsync(
        string scenario, List<Lined<Position>> records, IReadOnlyDictionary<string, Lined<Vessel>> vessels, List<LineError> rejected)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var assets = new List<string>();
        foreach (var record in records)
            if (seen.Add(record.Record.Asset)) assets.Add(record.Record.Asset);
        var describedOnly = new List<Lined<(string Asset, Vessel Vessel)>>();
        foreach (var (asset, vessel) in vessels)
            if (seen.Add(asset))
            {
                assets.Add(asset);
                describedOnly.Add(new(vessel.Line, (asset, vessel.Record)));
            }
        var quota = quotas.Value;
        var admission = await grains.GetGrain<IAssetIndexGrain>(scenario).AdmitAsync([.. assets], quota.NewAssetsPerRequest, quota.Assets);
        if (admission.OverQuota.Length == 0 && admission.OverRequest.Length == 0) return (records, describedOnly);

        var overQuota = admission.OverQuota.ToHashSet(StringComparer.Ordinal);
        var overRequest = admission.OverRequest.ToHashSet(StringComparer.Ordinal);
        var admitted = records.Where(r => Admitted(r.Line, r.Record.Asset)).ToList();
        return (admitted, describedOnly.Where(d => Admitted(d.Line, d.Record.Asset)).ToList());

        bool Admitted(int line, string asset)
        {
            if (overQuota.Contains(asset))
                rejected.Add(new LineError(line, asset, "asset", $"scenario '{scenario}' holds {quota.Assets} assets, its quota ({QuotaOptions.Section}:Assets)"));
            else if (overRequest.Contains(asset))
                rejected.Add(new LineError(line, asset, "asset",
                    $"one request may bring at most {quota.NewAssetsPerRequest} assets new to the scenario ({QuotaOptions.Section}:NewAssetsPerRequest); send this line again"));
            else return true;
            return false;
        }
    }

    /// <summary>Groups records by grain and calls the grains in parallel, in bounded batches; verdicts come back in record order.</summary>
    private async Task<TVerdict[]> DispatchAsync<T, TVerdict>(List<Lined<T>> records, Func<T, string> grainOf, Func<string, T[], Task<Immutable<TVerdict[]>>> call)
    {
        // Plain loops rather than LINQ: a batch of positions can mean 5,000 grains, and this runs for each.
        var byGrain = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var grain = grainOf(records[i].Record);
            if (!byGrain.TryGetValue(grain, out var indices)) byGrain.Add(grain, indices = new List<int>(1));
            indices.Add(i);
        }
        var verdicts = new TVerdict[records.Count];
        var max = ingest.Value.MaxRecordsPerCall;
        var calls = new List<Task>(byGrain.Count);
        foreach (var (grain, indices) in byGrain)
            for (var from = 0; from < indices.Count; from += max) calls.Add(CallAsync(grain, indices, from, Math.Min(max, indices.Count - from)));
        await Task.WhenAll(calls);
        return verdicts;

        async Task CallAsync(string grain, List<int> indices, int from, int count)
        {
            var batch = new T[count];
            for (var i = 0; i < count; i++) batch[i] = records[indices[from + i]].Record;
            var answer = (await call(grain, batch)).Value;
            for (var i = 0; i < count; i++) verdicts[indices[from + i]] = answer[i];
        }
    }

    /// <summary>The answer: counts by verdict, the refused lines, and the duplicates whose original another grain holds.</summary>
    private static IngestResult Tally<T>(List<Lined<T>> records, Judged[] verdicts, int duplicates, List<LineError> rejected,
        Func<T, string> id, Func<T, string> grainOf, Func<T, string> tooLate)
    {
        var accepted = 0;
        List<DuplicateElsewhere>? elsewhere = null;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i].Record;
            switch (verdicts[i].Verdict)
            {
                case Verdict.Accepted: accepted++; break;
                case Verdict.Duplicate:
                    duplicates++;
                    if (verdicts[i].HeldBy is { } holder && holder != grainOf(record)) (elsewhere ??= []).Add(new(records[i].Line, id(record), holder));
                    break;
                case Verdict.TooLate: rejected.Add(new LineError(records[i].Line, id(record), "time", tooLate(record))); break;
            }
        }
        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new IngestResult(accepted, duplicates, rejected, elsewhere ?? []);
    }

    private async Task ObserveAsync<T>(string scenario, List<Lined<T>> records, Judged[] verdicts, Func<T, DateTimeOffset> time)
    {
        var newest = records.Where((_, i) => verdicts[i].Verdict == Verdict.Accepted).Select(r => time(r.Record)).DefaultIfEmpty().Max();
        if (newest != default) await grains.GetGrain<IScenarioGrain>(scenario).ObserveAsync(newest);
    }
}
