namespace BorderWatch.Server.Ingest;

/// <summary>Why one record was refused: its line (NDJSON) or item number (JSON array), id if it had one, the field and the reason.</summary>
public sealed record LineError(int Line, string? Id, string Field, string Error);

/// <summary>A duplicate whose original counts elsewhere: a detection id seen in another sector of the scenario.</summary>
public sealed record DuplicateElsewhere(int Line, string Id, string Sector);

/// <summary>The answer to an ingest call.</summary>
public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<LineError> Rejected, IReadOnlyList<DuplicateElsewhere> DuplicatesElsewhere);
