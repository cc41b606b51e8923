using System.Text.Json;
using System.Text.Json.Serialization;

namespace BorderWatch.Grains.Storage;

/// <summary>How records are written to and read from the journal: web casing, absent fields left out, no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Detection))]
[JsonSerializable(typeof(Position))]
internal sealed partial class JournalJson : JsonSerializerContext;
