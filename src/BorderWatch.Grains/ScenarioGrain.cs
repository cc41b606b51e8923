using BorderWatch.Grains.Storage;

namespace BorderWatch.Grains;

[GenerateSerializer, Alias("bw.ScenarioState")]
public sealed class ScenarioState
{
    [Id(0)] public DateTimeOffset? NewestEvent { get; set; }
    [Id(1)] public DateTimeOffset? NewestArrival { get; set; }
    [Id(2)] public ScenarioSummary? Summary { get; set; }
}

public sealed class ScenarioGrain(
    [PersistentState("scenario", StorageNames.GrainState)] IPersistentState<ScenarioState> state,
    TimeProvider time) : Grain, IScenarioGrain
{
    private bool _clockDirty;

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        // The clock is a convenience (it can only lag by a few seconds after a crash): write it lazily.
        this.RegisterGrainTimer(SaveClockAsync, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation) => SaveClockAsync(cancellation);

    public Task ObserveAsync(DateTimeOffset newestEvent)
    {
        if (state.State.NewestEvent is null || newestEvent > state.State.NewestEvent)
        {
            state.State.NewestEvent = newestEvent;
            state.State.NewestArrival = time.GetUtcNow();
            _clockDirty = true;
        }
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset> GetClockAsync()
    {
        var now = time.GetUtcNow();
        var s = state.State;
        return Task.FromResult(s.NewestEvent is { } newest && s.NewestArrival is { } arrival ? newest + (now - arrival) : now);
    }

    public Task<DateTimeOffset?> GetNewestEventAsync() => Task.FromResult(state.State.NewestEvent);

    /// <summary>Every asset that journaled a position: the asset shards know them.</summary>
    public async Task<string[]> GetAssetsAsync()
    {
        // Through the fleets, not to the shards: a shard starts on the silo of its first caller, and this is often it.
        var fleets = JournalShards.All(this.GetPrimaryKeyString(), JournalShards.Assets).Select(k => GrainFactory.GetGrain<IFleetGrain>(k).MembersAsync());
        return (await Task.WhenAll(fleets)).SelectMany(m => m).Order(StringComparer.Ordinal).ToArray();
    }

    public Task<ScenarioSummary?> GetSummaryAsync() => Task.FromResult(state.State.Summary);

    public async Task StoreSummaryAsync(ScenarioSummary summary)
    {
        state.State.Summary = summary;
        await state.WriteStateAsync();
        _clockDirty = false; // written with it
    }

    public async Task DeleteAsync()
    {
        await state.ClearStateAsync();
        _clockDirty = false;
        DeactivateOnIdle();
    }

    private async Task SaveClockAsync(CancellationToken cancellation)
    {
        if (!_clockDirty) return;
        await state.WriteStateAsync(cancellation);
        _clockDirty = false; // only once written: a failed write is tried again on the next tick
    }
}
