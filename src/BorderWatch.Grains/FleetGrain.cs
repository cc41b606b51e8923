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
/// and its records after it) when it is first touched, and leaves memory, saved, once idle. Placed by a hash of its
/// key: a scenario's 16 fleets spread over the silos however fast they activate (resource-optimized placement, the
/// default, put all 16 of a new scenario on one silo of four in the bench: it saw the silos' load before the burst).
/// </summary>
/// <remarks>
/// Reentrant, but one piece of work at a time (<see cref="RunAsync{T}"/>): reports that arrive while a journal write
/// is under way wait, and then go together in the next one, as a shard gathers its members' records. (A grain that
/// took one call at a time paid a storage round trip per call: 50 small AIS posts a second queued for seconds.)
/// </remarks>
[Reentrant, Orleans.Placement.HashBasedPlacement]
public sealed class FleetGrain(
    Serializer serializer,
    SectorCatalogue catalogue,
    LivePublisher live,
    IOptions<AssetOptions> assetOptions,
    IOptions<Alerting.BehaviourOptions> behaviour,
    Coastline coastline,
    ILogger<FleetGrain> logger) : Grain, IFleetGrain
{
    // Saves go to the shard this many states a call (some 400 KB), and a wake saves no more: the fleet takes no report
    // while it waits for the write (with 1,000 a wake, p99 of AIS to the dashboard was 1.3 s; with 250, 0.5 s; saving
    // a whole wake in chunks of 250 queued behind each other starved the reports).
    private const int SavesPerCall = 250;

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);
    private readonly AssetRules _rules = new(catalogue, assetOptions.Value, behaviour.Value, coastline);
    private IJournalShardGrain _shard = null!;
    private string _scenario = null!;
    private bool _deleted;
    private readonly Queue<Work> _work = new();
    private Task? _running;

    /// <summary>Reports to take with others, or something to run alone; done when it has run.</summary>
    private sealed class Work(AssetReport[]? reports, Func<Task>? alone)
    {
        public AssetReport[]? Reports { get; } = reports;
        public Func<Task>? Alone { get; } = alone;
        public Verdict[][] Verdicts { get; set; } = [];
        public TaskCompletionSource Done { get; } = new();
    }

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        _scenario = string.Intern(GrainKeys.Parse(this.GetPrimaryKeyString()).Scenario);
        _shard = GrainFactory.GetGrain<IJournalShardGrain>(this.GetPrimaryKeyString());
        var idle = _rules.Assets.IdleAfter;
        var every = TimeSpan.FromTicks(Math.Max(idle.Ticks / 4, TimeSpan.TicksPerSecond));
        this.RegisterGrainTimer(_ => RunAsync(async () => { await LetIdleGoAsync(); return 0; }), every, every);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        if (_running is { } running) await running;
        if (_deleted) return;
        await SaveAsync(_assets.Values.Where(e => e.Dirty).ToList());
        BorderWatchMetrics.AssetsLoaded(-_assets.Count);
    }

    public async Task<Immutable<Verdict[][]>> ReportAsync(AssetReport[] reports)
    {
        var work = new Work(reports, null);
        await Enqueue(work);
        return new(work.Verdicts);
    }

    /// <summary>Runs <paramref name="run"/> when nothing else runs: queries read, and saves write, a state no report is changing.</summary>
    private async Task<T> RunAsync<T>(Func<Task<T>> run)
    {
        T result = default!;
        await Enqueue(new Work(null, async () => result = await run()));
        return result;
    }

    private Task Enqueue(Work work)
    {
        _work.Enqueue(work);
        if (_running is not { IsCompleted: false }) _running = WorkAsync();
        return work.Done.Task;
    }

    /// <summary>The work in order: reports queued next to each other go as one, each call answered with its own verdicts.</summary>
    private async Task WorkAsync()
    {
        await Task.Yield(); // the caller has its task first
        while (_work.Count > 0)
        {
            var next = _work.Dequeue();
            if (next.Alone is { } alone)
            {
                try
                {
                    await alone();
                    next.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    next.Done.TrySetException(e);
                }
                continue;
            }
            var batch = new List<Work> { next };
            while (_work.TryPeek(out var more) && more.Reports is not null) batch.Add(_work.Dequeue());
            try
            {
                var verdicts = await ReportTogetherAsync(batch.Select(w => w.Reports!).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Verdicts = verdicts[i];
                    batch[i].Done.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var work in batch) work.Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// Several calls' reports as one: an asset named in more than one has its positions judged together, in the
    /// order the calls came (the same position twice is a duplicate the second time), and its descriptions merged.
    /// Returns each call's verdicts.
    /// </summary>
    private async Task<Verdict[][][]> ReportTogetherAsync(List<AssetReport[]> calls)
    {
        if (calls.Count == 1) return [await ReportAllAsync(calls[0])];
        var merged = new Dictionary<string, int>(StringComparer.Ordinal);
        var reports = new List<(string Asset, List<Position> Positions, Vessel? Vessel)>();
        var where = calls.Select(c => new (int Report, int From)[c.Length]).ToArray();
        for (var c = 0; c < calls.Count; c++)
            for (var r = 0; r < calls[c].Length; r++)
            {
                var report = calls[c][r];
                if (!merged.TryGetValue(report.Asset, out var m)) (merged[report.Asset], m) = (reports.Count, reports.Count);
                if (m == reports.Count) reports.Add((report.Asset, [], null));
                var (asset, positions, vessel) = reports[m];
                where[c][r] = (m, positions.Count);
                positions.AddRange(report.Positions);
                if (report.Vessel is { } said) reports[m] = (asset, positions, vessel?.Merge(said) ?? said);
            }
        var verdicts = await ReportAllAsync([.. reports.Select(r => new AssetReport(r.Asset, [.. r.Positions], r.Vessel))]);
        return [.. calls.Select((call, c) => call.Select((report, r) => verdicts[where[c][r].Report].AsSpan(where[c][r].From, report.Positions.Length).ToArray()).ToArray())];
    }

    private async Task<Verdict[][]> ReportAllAsync(AssetReport[] reports)
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
        return verdicts;
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

    public Task<AssetStatus?> GetStatusAsync(string asset) => RunAsync(async () => (await LoadAsync([asset]))[0].Status);

    public Task<AssetStatus[]> GetStatusesAsync(string[] assets) => RunAsync(async () => (AssetStatus[])[.. (await LoadAsync(assets)).Select(e => e.Status).OfType<AssetStatus>()]);

    public Task<TrackPoint[]> GetTrackAsync(string asset, DateTimeOffset from, DateTimeOffset to) => RunAsync(async () => (await LoadAsync([asset]))[0].TrackBetween(from, to));

    public Task<TrackPoint?[]> GetPositionsAtAsync(string[] assets, DateTimeOffset at) =>
        RunAsync(async () => (TrackPoint?[])[.. (await LoadAsync(assets)).Select(e => e.PositionAt(at))]);

    public Task<RecordSpan> GetSpanAsync(string[] assets) => RunAsync(async () => (await LoadAsync(assets)).Aggregate(RecordSpan.Empty, (sum, e) => sum + e.Span));

    public Task<string[]> MembersAsync() => _shard.MembersAsync();

    public Task<int> CountInMemoryAsync() => RunAsync(() => Task.FromResult(_assets.Count));

    /// <summary>
    /// Saves the first <see cref="SavesPerCall"/> of them (the shard names the longest unsaved first); the rest wait
    /// for the next wake, so that a wake naming thousands of assets holds reports up for one write at most. An asset
    /// read back only for this (its fleet lost it with a silo, or let it go, saved, after the shard named it) leaves
    /// memory again at once: nothing has touched it.
    /// </summary>
    public Task SaveAsync(string[] assets) => RunAsync(async () =>
    {
        var named = assets.Take(SavesPerCall).ToList();
        var absent = named.Where(id => !_assets.ContainsKey(id)).ToList();
        await SaveAsync((await LoadAsync(named)).Where(e => e.Dirty).ToList());
        foreach (var id in absent)
            if (_assets.TryGetValue(id, out var entry) && !entry.Dirty) Drop(id);
        return 0;
    });

    public Task DeleteAsync() => RunAsync(() =>
    {
        BorderWatchMetrics.AssetsLoaded(-_assets.Count);
        _assets.Clear();
        _deleted = true;
        DeactivateOnIdle();
        return Task.FromResult(0);
    });

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
            BorderWatchMetrics.AssetsLoaded(reading.Length);
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
        if (_assets.Remove(id)) BorderWatchMetrics.AssetsLoaded(-1);
    }
}
