using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace BorderWatch.Grains.Alerting;

[GenerateSerializer, Alias("bw.WebhookState")]
public sealed class WebhookState
{
    [Id(0)] public List<WebhookNotice> Waiting { get; set; } = [];
    /// <summary>Newest last.</summary>
    [Id(1)] public List<WebhookLogEntry> Log { get; set; } = [];
}

/// <summary>
/// A webhook's outbox and delivery log. A notice is written here before the alert book goes on, and leaves only
/// once a sender reports it delivered or dead-lettered; a lease lives in memory, so after a restart every notice
/// still waiting is sent again (receivers tell a repeat by X-BorderWatch-Delivery).
/// </summary>
public sealed class WebhookGrain(
    [PersistentState("webhook", StorageNames.GrainState)] IPersistentState<WebhookState> state,
    TimeProvider time,
    ILogger<WebhookGrain> logger) : Grain, IWebhookGrain
{
    /// <summary>A receiver down for days must not grow the outbox without bound: past this, the oldest notice goes.</summary>
    public const int MaxWaiting = 1_000;
    private const int LogLength = 200;

    private readonly Dictionary<string, DateTimeOffset> _leases = new(StringComparer.Ordinal);

    private string Name => this.GetPrimaryKeyString();

    public async Task QueueAsync(WebhookNotice notice)
    {
        var waiting = state.State.Waiting;
        if (waiting.Any(n => n.Id == notice.Id)) return; // queued again after a retried call
        waiting.Add(notice);
        if (waiting.Count > MaxWaiting)
        {
            var dropped = waiting[0];
            waiting.RemoveAt(0);
            _leases.Remove(dropped.Id);
            logger.LogError("Webhook {Webhook}: {Count} notices waiting; the oldest ({Alert} v{Version}) is dropped", Name, waiting.Count, dropped.AlertId, dropped.Version);
            Log(dropped, new DeliveryRecord(Name, dropped.Version, false, 0, time.GetUtcNow(), $"dropped: more than {MaxWaiting} notices waiting"));
        }
        await state.WriteStateAsync();
    }

    public Task<WebhookNotice?> TakeAsync(TimeSpan lease)
    {
        var now = time.GetUtcNow();
        var notice = state.State.Waiting.FirstOrDefault(n => !_leases.TryGetValue(n.Id, out var until) || until <= now);
        if (notice is not null) _leases[notice.Id] = now + lease;
        return Task.FromResult(notice);
    }

    public async Task CompleteAsync(WebhookNotice notice, DeliveryRecord delivery)
    {
        _leases.Remove(notice.Id);
        if (state.State.Waiting.RemoveAll(n => n.Id == notice.Id) == 0) return; // reported twice
        Log(notice, delivery);
        await state.WriteStateAsync();
    }

    public Task<WebhookStatus> GetStatusAsync() =>
        Task.FromResult(new WebhookStatus(state.State.Waiting.Count, [.. Enumerable.Reverse(state.State.Log)]));

    private void Log(WebhookNotice notice, DeliveryRecord delivery)
    {
        var log = state.State.Log;
        log.Add(new WebhookLogEntry(notice.Id, notice.Scenario, notice.AlertId, notice.Event, delivery));
        if (log.Count > LogLength) log.RemoveRange(0, log.Count - LogLength);
    }
}
