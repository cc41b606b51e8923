using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains;

/// <summary>
/// A scenario's assets ordered by their latest report, newest first, in memory: fed by every silo's live publisher
/// (one one-way call a round per scenario, however many positions), so it trails ingest by a publish interval. On
/// activation it learns every asset's id from the asset shards, then reads, in the background and once, the assets
/// it has not heard from (from their fleets, 256 at a time); until then its pages say they are not complete. Knowing
/// every id from the start, it admits new assets against the scenario's quota. It stays active for a day without
/// changes. An entry is the asset's id, its 16-byte latest point, shared kind and sector strings and, for a vessel
/// on AIS, a reference to the description its fleet holds too: some 120 bytes an asset (ordered for a page only
/// when one is asked for).
/// </summary>
[CollectionAgeLimit(Days = 1)]
public sealed class AssetIndexGrain(IOptions<AssetOptions> assets, IOptions<Alerting.BehaviourOptions> behaviour, ILogger<AssetIndexGrain> logger)
    : Grain, IAssetIndexGrain
{
    private const int ReadAtOnce = 256;

    private readonly record struct Entry(string Asset, TrackPoint Latest, string? Kind, string? Sector, Vessel? Vessel);

    private static readonly Comparer<(DateTimeOffset Time, string Asset)> NewestFirst = Comparer<(DateTimeOffset Time, string Asset)>.Create((a, b) =>
    {
        var byTime = b.Time.CompareTo(a.Time);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Asset, b.Asset);
    });

    private readonly Dictionary<string, Entry> _latest = new(StringComparer.Ordinal);
    // The order pages are read in, sorted when a page is asked for after a change: a sorted set kept up to date
    // cost 64 bytes an asset for what a few pages a minute need (a sort of 100,000 entries is some 30 ms).
    private (DateTimeOffset Time, string Asset)[]? _order;
    // Kinds and sectors are a few dozen strings; every message brings its own copies.
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
    // Assets known but not yet in _latest: those still to be read after activation, and those admitted since and not yet published.
    private readonly HashSet<string> _unread = new(StringComparer.Ordinal);
    // Assets told to the alert book as silent, with the report they went silent after.
    private readonly Dictionary<string, DateTimeOffset> _toldSilent = new(StringComparer.Ordinal);
    private bool _complete;

    private string Scenario => this.GetPrimaryKeyString();

    private int Known => _latest.Count + _unread.Count;

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        // Awaited: admitting new assets needs every id. The shards answer from memory, without waking an asset.
        var ids = await GrainFactory.GetGrain<IScenarioGrain>(Scenario).GetAssetsAsync();
        _unread.UnionWith(ids);
        _ = ReadSilentAssetsAsync(ids);
        this.RegisterGrainTimer(CountStaleAsync, StaleCountInterval, StaleCountInterval);
        if (behaviour.Value.Dark.Enabled) this.RegisterGrainTimer(TellSilentAsync, behaviour.Value.Dark.CheckEvery, behaviour.Value.Dark.CheckEvery);
    }

    /// <summary>
    /// The dark rule's live half: assets whose latest report is older than its time on the scenario clock are told
    /// to the alert book once per silence (their fleets tell it when they report again, which is all a replay needs).
    /// </summary>
    private async Task TellSilentAsync(CancellationToken cancellation)
    {
        var rule = behaviour.Value.Dark;
        if (_latest.Count == 0) return;
        var horizon = await GrainFactory.GetGrain<IScenarioGrain>(Scenario).GetClockAsync() - rule.After;
        var silent = new List<DarkReport>();
        foreach (var entry in _latest.Values)
        {
            var (time, asset) = (entry.Latest.Time, entry.Asset);
            if (time > horizon || !rule.Watches(entry.Kind) || _toldSilent.TryGetValue(asset, out var told) && told == time) continue;
            _toldSilent[asset] = time;
            var at = entry.Latest;
            silent.Add(new DarkReport(new AlertAsset(asset, entry.Kind, entry.Vessel?.Name, at.Lat, at.Lon, at.Time), at.SpeedKn,
                Alerting.DarkOptions.UnderWay(at.SpeedKn, entry.Vessel?.Status), null));
        }
        if (silent.Count > 0) await GrainFactory.GetGrain<IAlertsGrain>(Scenario).DarkAsync([.. silent]);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        BorderWatchMetrics.Stale(Scenario, null);
        return Task.CompletedTask;
    }

    private static readonly TimeSpan StaleCountInterval = TimeSpan.FromSeconds(30);

    /// <summary>For the stale-assets gauge: those whose latest report is older than StaleAfter on the scenario's clock.</summary>
    private async Task CountStaleAsync(CancellationToken cancellation)
    {
        if (_latest.Count == 0) return;
        var horizon = await GrainFactory.GetGrain<IScenarioGrain>(Scenario).GetClockAsync() - assets.Value.StaleAfter;
        BorderWatchMetrics.Stale(Scenario, _latest.Values.Count(e => e.Latest.Time < horizon));
    }

    public Task MovedAsync(AssetMoved[] moves)
    {
        foreach (var move in moves) Take(move);
        return Task.CompletedTask;
    }

    public Task<AssetPage> PageAsync(AssetCursor? after, int limit)
    {
        if (_order is null)
        {
            _order = [.. _latest.Values.Select(e => (e.Latest.Time, e.Asset))];
            Array.Sort(_order, NewestFirst);
        }
        var from = 0;
        if (after is not null && Array.BinarySearch(_order, (after.Time, after.Asset), NewestFirst) is var at) from = at >= 0 ? at + 1 : ~at;
        var page = _order.Skip(from).Take(limit + 1).Select(k => _latest[k.Asset])
            .Select(e => new AssetMoved(Scenario, e.Asset, e.Kind, e.Latest, e.Sector, e.Vessel)).ToArray();
        var next = page.Length > limit ? new AssetCursor(page[limit - 1].Latest.Time, page[limit - 1].Asset) : null;
        return Task.FromResult(new AssetPage(page.Length > limit ? page[..limit] : page, next, Known, _complete));
    }

    // A scan of every entry: a few milliseconds for 100,000 assets, asked for once per coverage question.
    public Task<AssetMoved[]> OfKindsAsync(string[] kinds) => Task.FromResult(_latest.Values
        .Where(e => e.Kind is not null && kinds.Contains(e.Kind))
        .Select(e => new AssetMoved(Scenario, e.Asset, e.Kind, e.Latest, e.Sector, e.Vessel)).ToArray());

    public Task<AssetAdmission> AdmitAsync(string[] assets, int newAtMost, int quota)
    {
        List<string>? overQuota = null, overRequest = null;
        var admitted = 0;
        foreach (var asset in assets)
        {
            if (_latest.ContainsKey(asset) || _unread.Contains(asset)) continue;
            if (Known >= quota) (overQuota ??= []).Add(asset);
            else if (admitted >= newAtMost) (overRequest ??= []).Add(asset);
            else
            {
                _unread.Add(asset);
                admitted++;
            }
        }
        return Task.FromResult(overQuota is null && overRequest is null ? AssetAdmission.All : new AssetAdmission([.. overQuota ?? []], [.. overRequest ?? []]));
    }

    public Task ClearAsync()
    {
        _toldSilent.Clear();
        _latest.Clear();
        _unread.Clear();
        _order = null;
        _shared.Clear();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private void Take(AssetMoved move)
    {
        var asset = move.Asset;
        if (_latest.TryGetValue(asset, out var known))
        {
            if (known.Latest.Time > move.Latest.Time)
            {
                // A late report: the newest position stays, the description is the fleet's latest either way.
                if (move.Vessel is not null) _latest[asset] = known with { Vessel = move.Vessel };
                return;
            }
            _toldSilent.Remove(known.Asset);
            asset = known.Asset; // the one copy of the id kept
        }
        else _unread.Remove(asset);
        _latest[asset] = new Entry(asset, move.Latest, Shared(move.Kind), Shared(move.Sector), move.Vessel ?? known.Vessel);
        _order = null;
    }

    private string? Shared(string? text)
    {
        if (text is null) return null;
        if (_shared.TryGetValue(text, out var shared)) return shared;
        return _shared.Count < 10_000 ? _shared[text] = text : text;
    }

    private async Task ReadSilentAssetsAsync(string[] ids)
    {
        try
        {
            foreach (var chunk in ids.Where(id => !_latest.ContainsKey(id)).Chunk(ReadAtOnce))
            {
                var statuses = await Task.WhenAll(chunk.GroupBy(id => JournalShards.For(Scenario, JournalShards.Assets, id))
                    .Select(fleet => GrainFactory.GetGrain<IFleetGrain>(fleet.Key).GetStatusesAsync([.. fleet])));
                foreach (var s in statuses.SelectMany(s => s)) Take(new AssetMoved(Scenario, s.Asset, s.Kind, s.Latest, s.Sector, s.Vessel));
            }
            _complete = true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Asset index of {Scenario}: could not read the assets that have not reported; it reads them again on its next activation", Scenario);
            DeactivateOnIdle();
        }
    }
}
