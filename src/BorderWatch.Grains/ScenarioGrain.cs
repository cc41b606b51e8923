using BorderWatch.Grains.Storage;

namespace BorderWatch.Grains;

[GenerateSerializer, Alias("bw.ScenarioState")]
public sealed class ScenarioState
{
    [Id(0)] public DateTimeOffset? NewestEvent { get; set; }
    [Id(1)] public DateTimeOffset? NewestArrival { get; set; }
    [Id(2)] public HashSet<string> Assets { get; set; } = new(StringComparer.Ordinal);
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

    public async Task RegisterAssetsAsync(string[] assets)
    {
        var added = false;
        foreach (var asset in assets) added |= state.State.Assets.Add(asset);
        if (added) await state.WriteStateAsync();
    }

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

    public Task<string[]> GetAssetsAsync() => Task.FromResult(state.State.Assets.Order(StringComparer.Ordinal).ToArray());

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
