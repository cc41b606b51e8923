using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace BorderWatch.Server.Ingest;

// The records as feeders send them, for the OpenAPI document only: the parser reads each line itself (it must name
// the field and line of every fault), so these types describe the wire format the parser enforces.

[Description("A detection: one sighting of a boat or group")]
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record DetectionRecord(
    [property: Description("Unique in the scenario: a retry with the same id counts once"), MaxLength(128)] string Id,
    [property: Description("Event time, ISO 8601 with offset; not before 2000, at most 5 minutes ahead")] DateTimeOffset Time,
    [property: Range(-90, 90)] double Lat,
    [property: Range(-180, 180)] double Lon,
    [property: Range(1, 100_000)] int Persons,
    [property: Description("boat, group, ..."), MaxLength(64)] string? Kind = null,
    [property: Description("A catalogue sector id; left out, the detection is placed by its coordinates"), MaxLength(64)] string? Sector = null,
    [property: Description("The sensor or patrol that reported it"), MaxLength(128)] string? Source = null,
    [property: Description("In a mixed feed: detection")] string? Type = null);

[Description("A position of a vessel, aircraft or patrol asset")]
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record PositionRecord(
    [property: Description("The asset's id (an MMSI, a call sign)"), MaxLength(128)] string Asset,
    [property: Description("Event time, ISO 8601 with offset")] DateTimeOffset Time,
    [property: Range(-90, 90)] double Lat,
    [property: Range(-180, 180)] double Lon,
    [property: Range(0, 1000)] double? SpeedKn = null,
    [property: Range(0, 360)] double? CourseDeg = null,
    [property: Description("vessel, patrol, aircraft, ..."), MaxLength(64)] string? Kind = null,
    [property: Description("In a mixed feed: position")] string? Type = null);
