using BorderWatch.Grains.Storage;
using Orleans.Storage;

namespace BorderWatch.Grains;

[GenerateSerializer, Alias("bw.ScenarioRegistryState")]
public sealed class ScenarioRegistryState
{
    [Id(0)] public Dictionary<string, ScenarioEntry> Scenarios { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Whether the scenarios journaled before scenarios were made explicitly have been taken in.</summary>
    [Id(1)] public bool Seeded { get; set; }
}

/// <summary>
/// The scenarios that exist, in one small state (at most the configured number of scenarios, a few hundred bytes
/// each). On its first activation it takes in every scenario that already has a journal, so upgrading keeps them.
/// </summary>
public sealed class ScenarioRegistryGrain(
    [PersistentState("scenarios", StorageNames.GrainState)] IPersistentState<ScenarioRegistryState> state,
    JournalStore journals, TimeProvider time) : Grain, IScenarioRegistryGrain
{
    private const string LiveDescription = "The operational picture";

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        if (state.State.Seeded) return;
        var now = time.GetUtcNow();
        foreach (var name in (await journals.ChildrenAsync(null)).Where(n => Scenarios.ValidName().IsMatch(n)).Append(Scenarios.Live))
            state.State.Scenarios.TryAdd(name, new ScenarioEntry(name, name == Scenarios.Live ? LiveDescription : "journaled before scenarios were created explicitly", now, null));
        state.State.Seeded = true;
        await state.WriteStateAsync(cancellation);
    }

    public Task<ScenarioCreation> CreateAsync(ScenarioEntry entry, int limit) => ChangeAsync(scenarios =>
    {
        if (scenarios.ContainsKey(entry.Name)) return ScenarioCreation.Exists;
        if (scenarios.Count >= limit) return ScenarioCreation.Full;
        scenarios.Add(entry.Name, entry);
        return ScenarioCreation.Created;
    }, created => created == ScenarioCreation.Created);

    public Task<ScenarioEntry?> FindAsync(string name) => Task.FromResult(state.State.Scenarios.GetValueOrDefault(name));

    public Task<ScenarioEntry[]> ListAsync() => Task.FromResult(state.State.Scenarios.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray());

    public Task RemoveAsync(string name) => ChangeAsync(scenarios => name != Scenarios.Live && scenarios.Remove(name), removed => removed);

    /// <summary>
    /// Applies a change and writes it. Another writer of the same state (a second activation for a moment, or a
    /// second cluster on the same storage) makes the write fail: the change is judged again on what it wrote.
    /// </summary>
    private async Task<T> ChangeAsync<T>(Func<Dictionary<string, ScenarioEntry>, T> change, Func<T, bool> changed)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = change(state.State.Scenarios);
            if (!changed(result)) return result;
            try
            {
                await state.WriteStateAsync();
                return result;
            }
            catch (InconsistentStateException) when (attempt < 3)
            {
                await state.ReadStateAsync();
            }
            catch
            {
                DeactivateOnIdle(); // not written: the next activation starts from what is stored
                throw;
            }
        }
    }
}
