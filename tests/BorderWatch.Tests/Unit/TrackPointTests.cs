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
        var point = new TrackPoint(sent, 35.123456, -12.654321, 14.3, 271.2);

        Assert.Equal(sent, point.Time); // the same instant, told in UTC
        Assert.Equal(TimeSpan.Zero, point.Time.Offset);
        Assert.Equal((35.123456, -12.654321, 14.3, 271.2), (point.Lat, point.Lon, point.SpeedKn!.Value, point.CourseDeg!.Value));
    }

    [Fact]
    public void Time_is_kept_to_the_millisecond_and_finer_values_to_the_stated_resolution()
    {
        var sent = new DateTimeOffset(2024, 6, 14, 3, 12, 45, 123, TimeSpan.Zero).AddTicks(9_999);
        var point = new TrackPoint(sent, 35.1234564, 12.6543216, 14.34, 271.26);

        Assert.Equal(sent.AddTicks(-9_999), point.Time);
        Assert.Equal((35.123456, 12.654322, 14.3, 271.3), (point.Lat, point.Lon, point.SpeedKn!.Value, point.CourseDeg!.Value));
        Assert.Equal(new TrackPoint(sent.AddTicks(-9_999), 35.123456, 12.654322, 14.3, 271.3), point);
    }

    [Fact]
    public void Missing_speed_and_course_stay_missing_and_extremes_survive()
    {
        var point = new TrackPoint(DateTimeOffset.UnixEpoch, -90, 180, null, null);
        var other = new TrackPoint(new DateTimeOffset(2999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), 90, -180, 0, 0);
        var fast = new TrackPoint(DateTimeOffset.UnixEpoch, 0, 0, 1000, 360);

        Assert.Equal((null, null), (point.SpeedKn, point.CourseDeg));
        Assert.Equal((-90.0, 180.0, DateTimeOffset.UnixEpoch), (point.Lat, point.Lon, point.Time));
        Assert.Equal((90.0, -180.0, 0.0, 0.0), (other.Lat, other.Lon, other.SpeedKn!.Value, other.CourseDeg!.Value));
        Assert.Equal(new DateTimeOffset(2999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), other.Time);
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
