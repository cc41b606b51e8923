using System.Text.Json;
using BorderWatch.Geography;
using BorderWatch.Server.Ingest;
using BorderWatch.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace BorderWatch.Tests.Unit;

public sealed class RecordParserTests
{
    private static readonly RecordParser Parser = new(SectorCatalogue.Load(Paths.Catalogue), TimeProvider.System, Options.Create(new IngestOptions()));

    private const string Good = """{"id":"d-1","time":"2023-09-12T06:10:00Z","lat":35.50,"lon":12.60,"persons":42,"kind":"boat","source":"radar-7"}""";

    [Fact]
    public void A_valid_detection_is_placed_in_its_sector()
    {
        Assert.Null(Parser.TryDetection(1, Json(Good), out var d));
        Assert.Equal(("d-1", 42, "lampedusa", "boat", "radar-7"), (d.Id, d.Persons, d.Sector, d.Kind, d.Source));
        Assert.Equal(new DateTimeOffset(2023, 9, 12, 6, 10, 0, TimeSpan.Zero), d.Time);
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_a_given_sector_is_kept()
    {
        Assert.Null(Parser.TryDetection(1, Json(Good.Replace("\"kind\"", "\"sector\":\"malta\",\"extra\":{\"a\":1},\"kind\"")), out var d));
        Assert.Equal("malta", d.Sector);
    }

    [Theory]
    [InlineData("\"lat\":35.50", "\"lat\":91", "lat")]
    [InlineData("\"lon\":12.60", "\"lon\":-180.5", "lon")]
    [InlineData("\"lat\":35.50", "\"lat\":\"35.5\"", "lat")]
    [InlineData("\"lat\":35.50,", "", "lat")]
    [InlineData("\"time\":\"2023-09-12T06:10:00Z\"", "\"time\":\"2023-09-12T06:10:00\"", "time")]
    [InlineData("\"time\":\"2023-09-12T06:10:00Z\"", "\"time\":\"12/09/2023 06:10\"", "time")]
    [InlineData("\"time\":\"2023-09-12T06:10:00Z\"", "\"time\":\"2999-01-01T00:00:00Z\"", "time")]
    [InlineData("\"time\":\"2023-09-12T06:10:00Z\"", "\"time\":\"1999-12-31T23:59:59Z\"", "time")]
    [InlineData("\"persons\":42", "\"persons\":0", "persons")]
    [InlineData("\"persons\":42", "\"persons\":2.5", "persons")]
    [InlineData("\"persons\":42", "\"persons\":-3", "persons")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"\"", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":7", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"d\\u0001x\"", "id")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"sector\":\"atlantis\"", "sector")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"type\":\"position\"", "type")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"type\":1", "type")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"type\":{\"a\":1}", "type")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"type\":\"\\ud800\"", "type")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"type\":\"boats\"", "type")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"d\\ud800\"", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"\\udfff-1\"", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"d\\u0000\"", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"d\\ufeff1\"", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":\"d\\u202e1\"", "id")]
    [InlineData("\"id\":\"d-1\"", "\"id\":[\"d-1\"]", "id")]
    [InlineData("\"time\":\"2023-09-12T06:10:00Z\"", "\"time\":\"2023-09-12T06:10:00Z\\ud800\"", "time")]
    [InlineData("\"time\":\"2023-09-12T06:10:00Z\"", "\"time\":{}", "time")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"\\ud800\"", "kind")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":7", "kind")]
    [InlineData("\"source\":\"radar-7\"", "\"source\":\"\\udbff\"", "source")]
    [InlineData("\"source\":\"radar-7\"", "\"source\":[]", "source")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"sector\":\"\\ud800\"", "sector")]
    [InlineData("\"kind\":\"boat\"", "\"kind\":\"boat\",\"sector\":true", "sector")]
    [InlineData("\"persons\":42", "\"persons\":\"42\"", "persons")]
    [InlineData("\"persons\":42", "\"persons\":null", "persons")]
    public void Each_invalid_field_is_named(string from, string to, string field)
    {
        var error = Parser.TryDetection(3, Json(Good.Replace(from, to)), out _);
        Assert.NotNull(error);
        Assert.Equal((3, field), (error.Line, error.Field));
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
    }

    [Fact]
    public void An_id_longer_than_128_characters_is_refused()
    {
        var error = Parser.TryDetection(1, Json(Good.Replace("d-1", new string('x', 129))), out _);
        Assert.Equal("id", error?.Field);
        Assert.Null(Parser.TryDetection(1, Json(Good.Replace("d-1", new string('x', 128))), out _));
    }

    [Fact]
    public void A_time_a_little_ahead_is_allowed_but_not_more_than_five_minutes()
    {
        string At(TimeSpan ahead) => Good.Replace("2023-09-12T06:10:00Z", DateTimeOffset.UtcNow.Add(ahead).ToString("yyyy-MM-ddTHH:mm:ssZ"));
        Assert.Null(Parser.TryDetection(1, Json(At(TimeSpan.FromMinutes(4))), out _));
        Assert.Equal("time", Parser.TryDetection(1, Json(At(TimeSpan.FromMinutes(6))), out _)?.Field);
    }

    [Theory]
    [InlineData("""{"asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5,"speedKn":14.2,"courseDeg":210,"kind":"vessel"}""", null)]
    [InlineData("""{"asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5}""", null)]
    [InlineData("""{"asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5,"courseDeg":400}""", "courseDeg")]
    [InlineData("""{"asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5,"speedKn":-1}""", "speedKn")]
    [InlineData("""{"time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5}""", "asset")]
    [InlineData("""[1,2]""", "json")]
    [InlineData("""{"asset":"IT\ud800","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5}""", "asset")]
    [InlineData("""{"asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5,"kind":"\udc00"}""", "kind")]
    [InlineData("""{"type":1,"asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5}""", "type")]
    [InlineData("""{"type":"position","asset":"IT-CP-301","time":"2023-09-12T06:10:00Z","lat":35.4,"lon":12.5,"speedKn":"fast"}""", "speedKn")]
    public void Positions_are_validated_field_by_field(string json, string? field) =>
        Assert.Equal(field, Parser.TryPosition(1, Json(json), out _)?.Field);

    [Fact]
    public void Paired_surrogates_and_accents_are_ordinary_text()
    {
        Assert.Null(Parser.TryDetection(1, Json(Good.Replace("d-1", "d-\\ud83d\\udea4-é")), out var d));
        Assert.Equal("d-\U0001F6A4-é", d.Id);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}
