using BorderWatch.Geography;
using BorderWatch.Grains.Live;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace BorderWatch.Grains;

/// <summary>
/// The assets of one scenario that journal to one asset shard, and the shard's other half: it holds their state in
/// memory, so a request's positions cost one call here and one shard write, however many assets they come from (a
/// grain per asset cost two calls a position and a few kilobytes of activation each). Each asset's positions are
/// acknowledged only once the shard has them in storage. An asset is read back from the shard (its last saved state
/// and its records after it) when it is first touched, and leaves memory, saved, once idle.
/// </summary>
public sealed class FleetGrain(
    Serializer serializer,
    SectorCatalogue catalogue,
    LivePublisher live,
    IOptions<AssetOptions> assetOptions,
    IOptions<Alerting.BehaviourOptions> behaviour,
    Coastline coastline,
    ILogger<FleetGrain> logger) : Grain, IFleetGrain
{
    // Saves go to the shard this many states a call: a wake after a burst may name every asset of the shard.
    private const int SavesPerCall = 1_000;

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);
    private readonly AssetRules _rules = new(catalogue, assetOptions.Value, behaviour.Value, coastline);
    private IJournalShardGrain _shard = null!;
    private string _scenario = null!;
    private bool _deleted;

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        _scenario = string.Intern(GrainKeys.Parse(this.GetPrimaryKeyString()).Scenario);
        _shard = GrainFactory.GetGrain<IJournalShardGrain>(this.GetPrimaryKeyString());
        var idle = _rules.Assets.IdleAfter;
        var every = TimeSpan.FromTicks(Math.Max(idle.Ticks / 4, TimeSpan.TicksPerSecond));
        this.RegisterGrainTimer(_ => LetIdleGoAsync(), every, every);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        if (_deleted) return;
        await SaveAsync(_assets.Values.Where(e => e.Dirty).ToList());
        BorderWatchMetrics.AssetsActive.Add(-_assets.Count);
    }

    public async Task<Immutable<Verdict[][]>> ReportAsync(AssetReport[] reports)
    {
        var assets = await LoadAsync(reports.Select(r => r.Asset));
        var verdicts = new Verdict[reports.Length][];
        var before = new Asset.Before[reports.Length];
        var described = new HashSet<Asset>();
        var lines = new List<MemberBytes>(reports.Length);
        var accepted = new List<Position>[reports.Length];
        for (var i = 0; i < reports.Length; i++)
        {
            var (report, asset) = (reports[i], assets[i]);
            before[i] = asset.Mark();
            if (report.Vessel is { } vessel && asset.Describe(vessel)) described.Add(asset); // first: a crossing in this call names the vessel
            (verdicts[i], accepted[i]) = Judge(asset, report.Positions);
            if (accepted[i].Count > 0) lines.Add(new MemberBytes(asset.Id, JournalLines<Position>.Write(accepted[i])));
        }
        try
        {
            await _shard.AppendManyAsync([.. lines]);
        }
        catch
        {
            // The append may or may not have landed: these assets are read back from the journal rather than
            // guessed at, and nothing of them is saved meanwhile (a saved state would claim records it may not hold).
            foreach (var report in reports) Drop(report.Asset);
            throw;
        }

        var told = new Told();
        for (var i = 0; i < reports.Length; i++)
        {
            var asset = assets[i];
            var earliest = DateTimeOffset.MaxValue; // of the positions accepted, for the dark rule
            foreach (var position in accepted[i])
            {
                asset.Apply(position);
                if (position.Time < earliest) earliest = position.Time;
            }
            if (accepted[i].Count > 0) asset.Dirty = true;
            if ((accepted[i].Count > 0 || described.Contains(asset)) && asset.HasReported) live.AssetMoved(asset.Moved(_scenario));
            told.Add(asset, before[i], earliest);
        }
        if (described.Count > 0) await SaveAsync([.. described]); // a description is in no record: its saved state is its only copy
        await told.TellAsync(GrainFactory, _scenario);
        return new(verdicts);
    }

    /// <summary>
    /// Judges an asset's positions against its state: a repeat in the same call is a duplicate too. Returns the
    /// verdicts and the accepted positions, in order.
    /// </summary>
    private static (Verdict[] Verdicts, List<Position> Accepted) Judge(Asset asset, Position[] positions)
    {
        var verdicts = new Verdict[positions.Length];
        var seen = positions.Length > 1 ? new HashSet<long>() : null; // most reports carry one position
        var accepted = new List<Position>(positions.Length);
        for (var i = 0; i < positions.Length; i++)
        {
            var verdict = asset.Judge(positions[i]);
            if (verdict == Verdict.Accepted && seen?.Add(Asset.KeyOf(positions[i])) == false) verdict = Verdict.Duplicate;
            verdicts[i] = verdict;
            if (verdict == Verdict.Accepted) accepted.Add(positions[i]);
        }
        return (verdicts, accepted);
    }

    /// <summary>What a call's assets did by the behaviour rules, told to the book and the encounter cells once per call.</summary>
    private sealed class Told
    {
        private readonly List<SectorCrossing> _crossings = [];
        private readonly List<DarkReport> _silences = [];
        private readonly List<LoiterReport> _loitering = [];
        private readonly List<(string Cell, CellReport Report)> _meeting = [];

        public void Add(Asset asset, Asset.Before before, DateTimeOffset earliest)
        {
            _crossings.AddRange(asset.Crossings(before.Crossed, before.LastCrossing));
            _silences.AddRange(asset.Silences(before.Newest, before.Status, earliest));
            var (loitering, meeting) = asset.TakeTold();
            if (loitering is not null) _loitering.AddRange(loitering);
            if (meeting is not null) _meeting.AddRange(meeting);
        }

        public async Task TellAsync(IGrainFactory grains, string scenario)
        {
            var book = grains.GetGrain<IAlertsGrain>(scenario);
            if (_crossings.Count > 0) await book.CrossedAsync([.. _crossings]);
            if (_silences.Count > 0) await book.DarkAsync([.. _silences]);
            if (_loitering.Count > 0) await book.LoiterAsync([.. _loitering]);
            foreach (var cell in _meeting.GroupBy(m => m.Cell))
                await grains.GetGrain<IEncounterCellGrain>($"{scenario}/{cell.Key}").ReportAsync([.. cell.Select(m => m.Report)]);
        }
    }

    public async Task<AssetStatus?> GetStatusAsync(string asset) => (await LoadAsync([asset]))[0].Status;

    public async Task<AssetStatus[]> GetStatusesAsync(string[] assets) => [.. (await LoadAsync(assets)).Select(e => e.Status).OfType<AssetStatus>()];

    public async Task<TrackPoint[]> GetTrackAsync(string asset, DateTimeOffset from, DateTimeOffset to) => (await LoadAsync([asset]))[0].TrackBetween(from, to);

    public async Task<RecordSpan> GetSpanAsync(string[] assets) => (await LoadAsync(assets)).Aggregate(RecordSpan.Empty, (sum, e) => sum + e.Span);

    public Task<int> CountInMemoryAsync() => Task.FromResult(_assets.Count);

    public async Task SaveAsync(string[] assets) => await SaveAsync((await LoadAsync(assets)).Where(e => e.Dirty).ToList());

    public Task DeleteAsync()
    {
        BorderWatchMetrics.AssetsActive.Add(-_assets.Count);
        _assets.Clear();
        _deleted = true;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The assets, in the order given (one entry per name, repeated names alike): those not in memory are read back
    /// from the shard in one call, their saved state and then their records after it, as on a restart. An asset the
    /// shard does not know starts empty.
    /// </summary>
    private async Task<Asset[]> LoadAsync(IEnumerable<string> ids)
    {
        var names = ids as IReadOnlyList<string> ?? ids.ToList();
        HashSet<string>? absent = null;
        foreach (var id in names)
            if (!_assets.ContainsKey(id)) (absent ??= new(StringComparer.Ordinal)).Add(id);
        if (absent is not null)
        {
            string[] reading = [.. absent];
            var recoveries = await _shard.RecoverManyAsync(reading);
            for (var i = 0; i < reading.Length; i++) _assets[reading[i]] = Recover(reading[i], recoveries[i]);
            BorderWatchMetrics.AssetsActive.Add(reading.Length);
        }
        var now = Environment.TickCount64;
        var assets = new Asset[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            assets[i] = _assets[names[i]];
            assets[i].Touched = now;
        }
        return assets;
    }

    private Asset Recover(string id, MemberRecovery recovery)
    {
        var asset = new Asset(id, _rules);
        if (recovery.State is { } saved) asset.State = serializer.Deserialize<AssetState>(saved)!;
        var replayed = 0;
        foreach (var position in JournalLines<Position>.Read(recovery.Records))
        {
            if (asset.Judge(position) != Verdict.Accepted) continue;
            asset.Apply(position);
            replayed++;
        }
        if (replayed > 0) logger.LogInformation("{Asset}: applied {Count} journaled positions written after its last save", GrainKeys.For(_scenario, id), replayed);
        asset.Dirty = replayed > 0;
        return asset;
    }

    /// <summary>Writes the states; an asset whose save failed stays unsaved and goes with the next save (the journal holds its records).</summary>
    private async Task SaveAsync(List<Asset> entries)
    {
        foreach (var chunk in entries.Chunk(SavesPerCall))
        {
            try
            {
                await _shard.SaveManyAsync([.. chunk.Select(e => new MemberBytes(e.Id, serializer.SerializeToArray(e.State)))]);
                foreach (var entry in chunk) entry.Dirty = false;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Fleet}: saving {Count} assets failed; the journal still holds everything", this.GetPrimaryKeyString(), chunk.Length);
            }
        }
    }

    /// <summary>Assets idle for <see cref="AssetOptions.IdleAfter"/> leave memory once saved.</summary>
    private async Task LetIdleGoAsync()
    {
        var before = Environment.TickCount64 - (long)_rules.Assets.IdleAfter.TotalMilliseconds;
        var idle = _assets.Values.Where(e => e.Touched < before).ToList();
        if (idle.Count == 0) return;
        await SaveAsync(idle.Where(e => e.Dirty).ToList());
        foreach (var entry in idle.Where(e => !e.Dirty && e.Touched < before)) Drop(entry.Id);
    }

    private void Drop(string id)
    {
        if (_assets.Remove(id)) BorderWatchMetrics.AssetsActive.Add(-1);
    }
}
