using System.Text.Json;
using BorderWatch.Contracts;

namespace BorderWatch.Tests.Unit;

/// <summary>A track point is stored small; what comes back must still be what a feed sent, at the stated resolution.</summary>
public sealed class TrackPointTests
{
    [Fact]
    public void A_point_gives_back_the_instant_position_speed_and_course_it_was_given()
    {
        var sent = new DateTimeOffset(2024, 6, 14, 3, 12, 45, 123, TimeSpan.FromHours(2));
        var point = new TrackPoint(sent, 35.123456, -12.654321, 14.3, 271.25);

        Assert.Equal(sent, point.Time); // the same instant, told in UTC
        Assert.Equal(TimeSpan.Zero, point.Time.Offset);
        Assert.Equal((35.123456, -12.654321, 14.3, 271.25), (point.Lat, point.Lon, point.SpeedKn!.Value, point.CourseDeg!.Value));
    }

    [Fact]
    public void Missing_speed_and_course_stay_missing_and_extremes_survive()
    {
        var point = new TrackPoint(DateTimeOffset.UnixEpoch, -89.999999, 179.999999, null, null);
        var fast = new TrackPoint(DateTimeOffset.UnixEpoch, 0, 0, 1000, 360);

        Assert.Equal((null, null), (point.SpeedKn, point.CourseDeg));
        Assert.Equal((-89.999999, 179.999999), (point.Lat, point.Lon));
        Assert.Equal((1000.0, 360.0), (fast.SpeedKn!.Value, fast.CourseDeg!.Value));
    }

    [Fact]
    public void Json_round_trip_keeps_the_point_and_reads_as_it_always_did()
    {
        var point = new TrackPoint(new DateTimeOffset(2023, 9, 12, 6, 0, 0, TimeSpan.Zero), 35.5, 12.6, 8.5, 90);
        var json = JsonSerializer.Serialize(point, JsonSerializerOptions.Web);

        Assert.Equal("""{"time":"2023-09-12T06:00:00+00:00","lat":35.5,"lon":12.6,"speedKn":8.5,"courseDeg":90}""", json);
        Assert.Equal(point, JsonSerializer.Deserialize<TrackPoint>(json, JsonSerializerOptions.Web));
    }
}
