namespace BorderWatch.Grains;

/// <summary>
/// A scenario's assets ordered by their latest report, newest first, in memory: fed by every silo's live publisher
/// (one one-way call a round per scenario, however many positions), so it trails ingest by a publish interval. On
/// activation it reads, in the background and once, the assets it has not heard from (their grains, 256 at a time);
/// until then its pages say they are not complete. It stays active for a day without changes.
/// </summary>
[CollectionAgeLimit(Days = 1)]
public sealed class AssetIndexGrain : Grain, IAssetIndexGrain
{
    private const int ReadAtOnce = 256;

    private static readonly Comparer<AssetCursor> NewestFirst = Comparer<AssetCursor>.Create((a, b) =>
    {
        var byTime = b.Time.CompareTo(a.Time);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Asset, b.Asset);
    });

    private readonly Dictionary<string, AssetMoved> _latest = new(StringComparer.Ordinal);
    private readonly SortedSet<AssetCursor> _order = new(NewestFirst);
    private bool _complete;

    private string Scenario => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        _ = ReadSilentAssetsAsync();
        return Task.CompletedTask;
    }

    public Task MovedAsync(AssetMoved[] moves)
    {
        foreach (var move in moves) Take(move);
        return Task.CompletedTask;
    }

    public Task<AssetPage> PageAsync(AssetCursor? after, int limit)
    {
        IEnumerable<AssetCursor> from = _order;
        if (after is not null)
        {
            from = _order.Count == 0 || NewestFirst.Compare(after, _order.Max!) >= 0 ? [] : _order.GetViewBetween(after, _order.Max!).SkipWhile(k => NewestFirst.Compare(k, after) <= 0);
        }
        var page = from.Take(limit + 1).Select(k => _latest[k.Asset]).ToArray();
        var next = page.Length > limit ? new AssetCursor(page[limit - 1].Latest.Time, page[limit - 1].Asset) : null;
        return Task.FromResult(new AssetPage(page.Length > limit ? page[..limit] : page, next, _latest.Count, _complete));
    }

    public Task ClearAsync()
    {
        _latest.Clear();
        _order.Clear();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private void Take(AssetMoved move)
    {
        if (_latest.TryGetValue(move.Asset, out var known))
        {
            if (known.Latest.Time > move.Latest.Time) return; // a late report: the newest position stays
            _order.Remove(new AssetCursor(known.Latest.Time, known.Asset));
        }
        _latest[move.Asset] = move;
        _order.Add(new AssetCursor(move.Latest.Time, move.Asset));
    }

    private async Task ReadSilentAssetsAsync()
    {
        try
        {
            var ids = await GrainFactory.GetGrain<IScenarioGrain>(Scenario).GetAssetsAsync();
            foreach (var chunk in ids.Where(id => !_latest.ContainsKey(id)).Chunk(ReadAtOnce))
            {
                var statuses = await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IAssetGrain>(GrainKeys.For(Scenario, id)).GetStatusAsync()));
                foreach (var s in statuses.OfType<AssetStatus>()) Take(new AssetMoved(Scenario, s.Asset, s.Kind, s.Latest, s.Sector));
            }
            _complete = true;
        }
        catch (Exception)
        {
            DeactivateOnIdle(); // the next call activates it again and reads afresh
        }
    }
}
