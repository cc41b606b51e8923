using BorderWatch.Grains.Storage;

namespace BorderWatch.Grains.Alerting;

[GenerateSerializer, Alias("bw.AlertArchiveState")]
public sealed class AlertArchiveState
{
    [Id(0)] public Dictionary<string, Alert> Alerts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A year of a scenario's resolved alerts that aged out of its book (<see cref="AlertOptions.KeepResolved"/>).</summary>
public sealed class AlertArchiveGrain(
    [PersistentState("alertArchive", StorageNames.GrainState)] IPersistentState<AlertArchiveState> state) : Grain, IAlertArchiveGrain
{
    public async Task AddAsync(Alert[] alerts)
    {
        foreach (var alert in alerts)
        {
            alert.Archived = true;
            state.State.Alerts[alert.Id] = alert;
        }
        await state.WriteStateAsync();
    }

    public Task<Alert[]> GetAsync() => Task.FromResult(state.State.Alerts.Values.ToArray());

    public async Task DeleteAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
