using BorderWatch.Geography;
using BorderWatch.Grains.Counting;
using BorderWatch.Grains.Live;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Alerting;

[GenerateSerializer, Alias("bw.AlertsState")]
public sealed class AlertsState
{
    [Id(0)] public Dictionary<string, Alert> Alerts { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public List<Silence> Silences { get; set; } = [];
    [Id(2)] public Dictionary<string, ImpactChange> Overrides { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Sectors whose impact level differs from the catalogue's, and the level.</summary>
    [Id(3)] public Dictionary<string, string> Levels { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public List<ImpactChange> Audit { get; set; } = [];
    /// <summary>The years (of their start) of which resolved alerts went to the archive.</summary>
    [Id(5)] public SortedSet<int> ArchivedYears { get; set; } = [];
}

/// <summary>
/// A scenario's alert book. Sector grains' changes reach it through the silo's live publisher (one-way, merged),
/// so ingest never waits for it; it evaluates at most every <see cref="AlertOptions.EvaluateInterval"/>: for each
/// touched route and bucket size it reads the sectors' series from where the counts changed (back to the open
/// alert's last abnormal bucket, and the baseline's lookback before that), judges the buckets and runs the state
/// machine, then reconciles the alerts it holds with the ones the counts now give.
/// </summary>
public sealed partial class AlertsGrain(
    [PersistentState("alerts", StorageNames.GrainState)] IPersistentState<AlertsState> state,
    SectorCatalogue catalogue,
    LivePublisher live,
    AlertNotifier notifier,
    IOptions<AlertOptions> options,
    IOptions<BehaviourOptions> behaviour,
    IOptions<CountingOptions> counting,
    TimeProvider time,
    ILogger<AlertsGrain> logger) : Grain, IAlertsGrain
{
    /// <summary>Hour buckets further back than this are not judged again (they are kept for 2 years; days for ever).</summary>
    private static readonly TimeSpan HourHorizon = TimeSpan.FromDays(60);

    private readonly AlertOptions _options = options.Value;
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly List<WebhookNotice> _notices = []; // made as alerts change, queued once the book is written
    private DateTimeOffset? _pendingFrom;
    private IGrainTimer? _timer;

    private string Scenario => this.GetPrimaryKeyString();
    private AlertsState Book => state.State;

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        ReportFiring();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        BorderWatchMetrics.Firing(Scenario, null);
        return Task.CompletedTask;
    }

    private void ReportFiring() => BorderWatchMetrics.Firing(Scenario, Book.Alerts.Values.Count(a => a.State == AlertState.Firing));

    public Task CountsChangedAsync(string[] sectors, DateTimeOffset earliest)
    {
        foreach (var sector in sectors.Where(s => catalogue.RouteOf(s) is not null)) _pending.Add(sector);
        if (_pending.Count == 0) return Task.CompletedTask;
        if (_pendingFrom is null || earliest < _pendingFrom) _pendingFrom = earliest;
        _timer ??= this.RegisterGrainTimer(EvaluatePendingAsync, _options.EvaluateInterval, _options.EvaluateInterval);
        return Task.CompletedTask;
    }

    private async Task EvaluatePendingAsync(CancellationToken cancellation)
    {
        if (_pending.Count == 0)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }
        var sectors = _pending.ToList();
        var from = _pendingFrom!.Value;
        _pending.Clear();
        _pendingFrom = null;
        var kept = _notices.Count; // behaviour alerts' notices waiting for their write
        try
        {
            var changed = await EvaluateAsync(sectors, from);
            if (changed.Count == 0) return;
            await SaveAndNotifyAsync();
        }
        catch (Exception e)
        {
            // Counts are durable; judging them again next round loses nothing.
            _notices.RemoveRange(kept, _notices.Count - kept);
            foreach (var sector in sectors) _pending.Add(sector);
            if (_pendingFrom is null || from < _pendingFrom) _pendingFrom = from;
            logger.LogWarning(e, "Alerts of scenario {Scenario}: evaluation failed; retrying", Scenario);
        }
    }

    public async Task<Alert[]> QueryAsync(AlertQuery query)
    {
        IEnumerable<Alert> alerts = Book.Alerts.Values;
        if (query.Archived && query.State is null or AlertState.Resolved)
        {
            // A year's archive holds alerts that started in it; one that started in a year may end in the next.
            var years = Book.ArchivedYears.Where(y => (query.From is null || y >= query.From.Value.Year - 1) && (query.To is null || y <= query.To.Value.Year));
            var archived = await Task.WhenAll(years.Select(y => Archive(y).GetAsync()));
            alerts = alerts.Concat(archived.SelectMany(a => a).Where(a => !Book.Alerts.ContainsKey(a.Id)));
        }
        return [.. alerts
            .Where(a => (query.State is null || a.State == query.State) && (query.Route is null || a.Route == query.Route)
                && (query.From is null || a.End > query.From) && (query.To is null || a.Start < query.To))
            .OrderByDescending(a => a.Start).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    private IAlertArchiveGrain Archive(int year) => GrainFactory.GetGrain<IAlertArchiveGrain>($"{Scenario}/{year}");

    public async Task<Alert?> AcknowledgeAsync(string id, string by, string? comment)
    {
        if (!Book.Alerts.TryGetValue(id, out var alert)) return null;
        alert.Acknowledgement = new Acknowledgement(by, time.GetUtcNow(), comment);
        if (alert.State == AlertState.Firing) alert.State = AlertState.Acknowledged;
        alert.Version++;
        Notify(alert, "acknowledged");
        await SaveAndNotifyAsync();
        return alert;
    }

    public async Task<Silence> AddSilenceAsync(string? route, string? sector, DateTimeOffset from, DateTimeOffset to, string reason, string by)
    {
        var silence = new Silence($"s-{Guid.NewGuid():N}"[..14], route, sector, from, to, reason, by, time.GetUtcNow());
        Book.Silences.Add(silence);
        MarkSilenced(a => a.SilencedBy is null);
        await SaveAndNotifyAsync();
        return silence;
    }

    /// <summary>Open alerts take the first silence that covers them (or none): an operator sees at once what is held back.</summary>
    private void MarkSilenced(Func<Alert, bool> which)
    {
        foreach (var alert in Book.Alerts.Values.Where(a => a.State != AlertState.Resolved && which(a)))
        {
            var by = Book.Silences.FirstOrDefault(s => s.Matches(alert))?.Id;
            if (by == alert.SilencedBy) continue;
            alert.SilencedBy = by;
            alert.Version++;
        }
    }

    public Task<Silence[]> GetSilencesAsync() => Task.FromResult(Book.Silences.ToArray());

    public async Task<bool> RemoveSilenceAsync(string id)
    {
        if (Book.Silences.RemoveAll(s => s.Id == id) == 0) return false;
        MarkSilenced(a => a.SilencedBy == id);
        await SaveAndNotifyAsync();
        return true;
    }

    public Task<Dictionary<string, string>> GetImpactLevelsAsync() => Task.FromResult(new Dictionary<string, string>(Book.Levels));

    public async Task SetImpactLevelAsync(string sector, string? level, string by, string reason)
    {
        if (level is null) Book.Overrides.Remove(sector);
        else Book.Overrides[sector] = new ImpactChange(sector, by, time.GetUtcNow(), "", level, reason);
        UpdateImpact([sector], by, reason);
        await state.WriteStateAsync();
        live.AlertsChanged(Scenario);
        ReportFiring();
    }

    public Task<ImpactChange[]> GetImpactAuditAsync(string? sector) =>
        Task.FromResult(Book.Audit.Where(a => sector is null || a.Sector == sector).ToArray());

    public async Task RecordDeliveryAsync(string alertId, DeliveryRecord delivery)
    {
        if (!Book.Alerts.TryGetValue(alertId, out var alert)) return;
        alert.Deliveries.Add(delivery);
        if (alert.Deliveries.Count > 20) alert.Deliveries.RemoveAt(0);
        await state.WriteStateAsync();
    }

    public async Task DeleteAsync()
    {
        _pending.Clear();
        await Task.WhenAll(Book.ArchivedYears.Select(y => Archive(y).DeleteAsync()));
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private void Notify(Alert alert, string what)
    {
        if (alert.SilencedBy is null && notifier.Notice(Scenario, what, alert) is { } notice) _notices.Add(notice);
    }

    /// <summary>The book first, then its notices into the webhooks' outboxes: a notice never tells of a change that was not kept.</summary>
    private async Task SaveAndNotifyAsync()
    {
        _unwritten = false;
        await PruneAsync();
        await state.WriteStateAsync();
        live.AlertsChanged(Scenario);
        var notices = _notices.ToList();
        _notices.Clear();
        await notifier.QueueAsync(notices);
    }

    /// <summary>The last this many impact level changes are kept for the audit.</summary>
    public const int AuditKept = 1_000;

    /// <summary>
    /// Moves resolved alerts older than <see cref="AlertOptions.KeepResolved"/> behind the newest alert (event time,
    /// so a replay keeps what the live book keeps) to the archive, forgets silences ended as long ago, and keeps the
    /// last <see cref="AuditKept"/> level changes: the book's size, and the cost of writing it, follow the alerts
    /// of the last months, not all of history. Done once the oldest is a month past, so the archive is written
    /// about monthly, not every round; archived before the book is written, so a failed write loses nothing.
    /// </summary>
    private async Task PruneAsync()
    {
        if (Book.Alerts.Count == 0) return;
        var keep = TimeSpan.FromTicks(Math.Max(_options.KeepResolved.Ticks, (counting.Value.DedupWindow + HourHorizon).Ticks));
        var before = Book.Alerts.Values.Max(a => a.ResolvedAt ?? a.FiredAt) - keep;
        var old = Book.Alerts.Values.Where(a => a.State == AlertState.Resolved && a.ResolvedAt < before).ToList();
        if (old.Count > 0 && old.Min(a => a.ResolvedAt) < before - TimeSpan.FromDays(30))
        {
            foreach (var year in old.GroupBy(a => a.Start.UtcDateTime.Year))
            {
                await Archive(year.Key).AddAsync([.. year]);
                Book.ArchivedYears.Add(year.Key);
            }
            foreach (var alert in old) Book.Alerts.Remove(alert.Id);
        }
        Book.Silences.RemoveAll(s => s.To < before);
        if (Book.Audit.Count > AuditKept) Book.Audit.RemoveRange(0, Book.Audit.Count - AuditKept);
    }

    // Behaviour alerts changed in memory and not yet written: a burst of them (a replay of a busy sea) costs one
    // write a round, not one each; the flush timer writes them within EvaluateInterval.
    private bool _unwritten;
    private IGrainTimer? _flush;

    private void Unwritten()
    {
        _unwritten = true;
        _flush ??= this.RegisterGrainTimer(FlushAsync, _options.EvaluateInterval, _options.EvaluateInterval);
    }

    private async Task FlushAsync(CancellationToken cancellation)
    {
        if (!_unwritten)
        {
            _flush?.Dispose();
            _flush = null;
            return;
        }
        await SaveAndNotifyAsync();
        ReportFiring();
    }

    private ISectorGrain Sector(string id) => GrainFactory.GetGrain<ISectorGrain>(GrainKeys.For(Scenario, id));
}
