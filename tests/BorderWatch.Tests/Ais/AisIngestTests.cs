using BorderWatch.Server.Ingest;

namespace BorderWatch.Tests.Ais;

/// <summary>The pure parts of AIS ingest: whose vessel it is, and when a report without a tag block was made.</summary>
public sealed class AisIngestTests
{
    [Fact]
    public void The_own_fleet_is_single_MMSIs_and_ranges_and_everyone_else_is_a_vessel()
    {
        var options = new AisOptions { OwnFleet = [new() { Mmsi = "244660274", Name = "Poseidon" }, new() { Mmsi = "247000000-247000999" }] };
        Assert.Equal(("patrol", "patrol", "patrol"), (options.KindOf(244660274), options.KindOf(247000000), options.KindOf(247000999)));
        Assert.Equal(("vessel", "vessel"), (options.KindOf(244660275), options.KindOf(247001000)));
    }

    [Theory]
    [InlineData("12:00:30", 20, "12:00:20")]   // earlier in the same minute
    [InlineData("12:00:30", 31, "12:00:31")]   // a second ahead: clocks differ that much
    [InlineData("12:00:05", 55, "11:59:55")]   // the minute before
    [InlineData("12:00:05", null, "12:00:05")] // no second given: arrival
    public void Without_a_tag_block_a_report_is_timed_by_arrival_with_its_own_second(string arrival, int? second, string expected)
    {
        var day = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(day + TimeSpan.Parse(expected), AisIngest.AtSecond(day + TimeSpan.Parse(arrival), second));
    }
}
