using System.Text.RegularExpressions;

namespace BorderWatch.Contracts;

public static partial class Scenarios
{
    public const string Live = "live";

    /// <summary>Lower-case letters, digits and hyphens: safe in grain keys and blob names alike.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex ValidName();
}

/// <summary>What a scenario holds, at a glance, as of <see cref="SummarizedAt"/>.</summary>
[GenerateSerializer, Immutable, Alias("bw.ScenarioSummary")]
public sealed record ScenarioSummary(
    [property: Id(0)] string Name, [property: Id(1)] long Detections, [property: Id(2)] long Persons, [property: Id(3)] long Positions,
    [property: Id(4)] int Sectors, [property: Id(5)] int Assets, [property: Id(6)] DateTimeOffset? FirstEvent, [property: Id(7)] DateTimeOffset? LastEvent,
    [property: Id(8)] DateTimeOffset Clock, [property: Id(9)] ScenarioStorage Storage, [property: Id(10)] DateTimeOffset SummarizedAt,
    [property: Id(11)] string? Description = null, [property: Id(12)] DateTimeOffset? CreatedAt = null);

/// <summary>
/// What a scenario keeps in storage: its journal's bytes at rest, split into the record archive and saved states;
/// when the oldest detection and position the archive keeps were stored (retention counts from then); and the
/// detection ids it remembers for deduplication, with their memory.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.ScenarioStorage")]
public sealed record ScenarioStorage(
    [property: Id(0)] long Bytes, [property: Id(1)] long ArchiveBytes, [property: Id(2)] long StateBytes,
    [property: Id(3)] DateTimeOffset? DetectionsStoredSince, [property: Id(4)] DateTimeOffset? PositionsStoredSince,
    [property: Id(5)] int IdsRemembered, [property: Id(6)] long IdBytes);

/// <summary>A scenario that exists: made by <c>POST /api/scenarios</c>, or <c>live</c>, which always exists.</summary>
[GenerateSerializer, Immutable, Alias("bw.ScenarioEntry")]
public sealed record ScenarioEntry(
    [property: Id(0)] string Name, [property: Id(1)] string Description, [property: Id(2)] DateTimeOffset CreatedAt, [property: Id(3)] string? CreatedBy);

public enum ScenarioCreation { Created, Exists, Full }

/// <summary>
/// The scenarios that exist (key <see cref="Key"/>, one for the cluster). Records and reads may name only these,
/// so a made-up name costs a lookup here and wakes nothing else.
/// </summary>
public interface IScenarioRegistryGrain : IGrainWithStringKey
{
    public const string Key = "scenarios";

    /// <summary>Adds the scenario unless it exists, or the registry already holds <paramref name="limit"/> scenarios.</summary>
    Task<ScenarioCreation> CreateAsync(ScenarioEntry entry, int limit);

    Task<ScenarioEntry?> FindAsync(string name);

    Task<ScenarioEntry[]> ListAsync();

    /// <summary>Forgets a deleted scenario; live stays.</summary>
    Task RemoveAsync(string name);
}
