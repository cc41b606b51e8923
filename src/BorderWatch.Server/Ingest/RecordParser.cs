using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Ingest;

/// <summary>
/// Turns one JSON record into a <see cref="Detection"/> or <see cref="Position"/>, or says which field is wrong
/// and why. Unknown fields are ignored. Detections without a sector are placed by point-in-polygon.
/// </summary>
public sealed partial class RecordParser(SectorCatalogue catalogue, TimeProvider time, IOptions<IngestOptions> options)
{
    public const int MaxIdLength = 128;
    public const int MaxPersons = 100_000;

    private readonly IngestOptions _options = options.Value;

    /// <summary>Parses a detection, or returns why not.</summary>
    public LineError? TryDetection(int line, JsonElement json, out Detection detection)
    {
        detection = null!;
        var reader = new FieldReader(line, json, "detection");
        var id = reader.Id("id");
        var when = reader.Time("time", _options.Earliest, time.GetUtcNow() + _options.MaxFutureSkew);
        var (lat, lon) = reader.Coordinates();
        var persons = reader.Integer("persons", 1, MaxPersons);
        var kind = reader.OptionalText("kind", 64);
        var source = reader.OptionalText("source", MaxIdLength);
        var sector = reader.OptionalText("sector", 64);
        if (reader.Error is { } error) return error;
        if (sector is not null && catalogue.FindSector(sector) is null && sector != SectorCatalogue.Unassigned)
            return new LineError(line, id, "sector", $"unknown sector id '{sector}'; leave it out to place the detection by its coordinates");

        detection = new Detection(id!, when, lat, lon, persons, kind, sector ?? catalogue.Assign(lat, lon), source);
        return null;
    }

    /// <summary>Parses a position, or returns why not.</summary>
    public LineError? TryPosition(int line, JsonElement json, out Position position)
    {
        position = null!;
        var reader = new FieldReader(line, json, "position");
        var asset = reader.Id("asset");
        var when = reader.Time("time", _options.Earliest, time.GetUtcNow() + _options.MaxFutureSkew);
        var (lat, lon) = reader.Coordinates();
        var speed = reader.OptionalNumber("speedKn", 0, 1000);
        var course = reader.OptionalNumber("courseDeg", 0, 360);
        var kind = reader.OptionalText("kind", 64);
        if (reader.Error is { } error) return error;

        position = new Position(asset!, when, lat, lon, speed, course is 360 ? 0 : course, kind);
        return null;
    }

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex HasOffset();

    /// <summary>Reads fields in order and keeps the first error, naming its field.</summary>
    private ref struct FieldReader(int line, JsonElement json, string type)
    {
        private string? _id;

        public LineError? Error { get; private set; } = json.ValueKind != JsonValueKind.Object
            ? new LineError(line, null, "json", $"a record must be a JSON object, not {json.ValueKind.ToString().ToLowerInvariant()}")
            : TypeError(line, json, type);

        private static LineError? TypeError(int line, JsonElement json, string type)
        {
            if (!json.TryGetProperty("type", out var t) || t.ValueKind == JsonValueKind.Null) return null;
            if (TextOf(t) is not { } declared) return new LineError(line, null, "type", $"must be a string such as '{type}'");
            if (declared == type) return null;
            return TypeNames.Contains(declared)
                ? new LineError(line, null, "type", $"this endpoint takes {type} records; send '{declared}' records to /api/{declared}s")
                : new LineError(line, null, "type", $"'{Clip(declared)}' is not a record type; this endpoint takes {type} records");
        }

        private static readonly string[] TypeNames = ["detection", "position"];

        /// <summary>
        /// A string value, or null when the value is not a string or does not decode to valid Unicode: an escaped lone
        /// surrogate (<c>"\ud800"</c>) is well-formed JSON that no string can hold.
        /// </summary>
        private static string? TextOf(JsonElement v)
        {
            if (v.ValueKind != JsonValueKind.String) return null;
            try
            {
                return v.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>
        /// Characters that have no place in an id or a label: control characters (NUL among them) and invisible
        /// format characters (byte-order marks, zero-width and bidirectional overrides that make one id look like another).
        /// </summary>
        private static string? Oddity(string text)
        {
            foreach (var c in text)
            {
                if (char.IsControl(c)) return $"must not contain control characters (U+{(int)c:X4})";
                if (char.GetUnicodeCategory(c) == UnicodeCategory.Format) return $"must not contain invisible format characters (U+{(int)c:X4})";
            }
            return null;
        }

        private const string NotText = "must be a string of valid Unicode (no lone surrogate escapes)";

        public string? Id(string name)
        {
            if (Error is not null) return null;
            if (!json.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
                return Fail<string>(name, "required: a non-empty string");
            if (TextOf(v) is not { } id) return Fail<string>(name, NotText);
            if (id.Length == 0) return Fail<string>(name, "required: a non-empty string");
            if (id.Length > MaxIdLength) return Fail<string>(name, $"at most {MaxIdLength} characters, not {id.Length}");
            if (Oddity(id) is { } odd) return Fail<string>(name, odd);
            return _id = id;
        }

        public DateTimeOffset Time(string name, DateTimeOffset earliest, DateTimeOffset latest)
        {
            if (Error is not null) return default;
            if (!json.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
                return Fail<DateTimeOffset>(name, "required: an ISO 8601 time with offset, such as 2023-09-12T06:10:00Z");
            if (TextOf(v) is not { } text) return Fail<DateTimeOffset>(name, NotText);
            if (!HasOffset().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                return Fail<DateTimeOffset>(name, $"'{Clip(text)}' is not an ISO 8601 time with offset, such as 2023-09-12T06:10:00Z");
            if (parsed < earliest) return Fail<DateTimeOffset>(name, $"{text} is before {earliest:yyyy-MM-dd}");
            if (parsed > latest) return Fail<DateTimeOffset>(name, $"{text} is more than the allowed skew in the future (server time {latest:u} with skew)");
            return parsed.ToUniversalTime();
        }

        public (double Lat, double Lon) Coordinates() => (Number("lat", -90, 90), Number("lon", -180, 180));

        public int Integer(string name, int min, int max)
        {
            if (Error is not null) return 0;
            if (!json.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
                return Fail<int>(name, $"required: a whole number from {min} to {max}");
            return n >= min && n <= max ? n : Fail<int>(name, $"{n} is not from {min} to {max}");
        }

        public double? OptionalNumber(string name, double min, double max)
        {
            if (Error is not null || !json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            return Number(name, min, max);
        }

        public string? OptionalText(string name, int maxLength)
        {
            if (Error is not null || !json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) return Fail<string>(name, "must be a string");
            if (TextOf(v) is not { } text) return Fail<string>(name, NotText);
            if (text.Length > maxLength) return Fail<string>(name, $"at most {maxLength} characters, not {text.Length}");
            return Oddity(text) is { } odd ? Fail<string>(name, odd) : text;
        }

        private double Number(string name, double min, double max)
        {
            if (Error is not null) return 0;
            // JSON has no NaN or Infinity literals, so any number that parses is finite.
            if (!json.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var x) || !double.IsFinite(x))
                return Fail<double>(name, $"required: a number from {min} to {max}");
            return x >= min && x <= max ? x : Fail<double>(name, $"{x.ToString(CultureInfo.InvariantCulture)} is not from {min} to {max}");
        }

        private T Fail<T>(string field, string message)
        {
            Error ??= new LineError(line, _id, field, message);
            return default!;
        }

        private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "...";
    }
}
