using BorderWatch.Ais;
using BorderWatch.Contracts;
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

    [Fact]
    public void A_newer_description_replaces_what_it_says_an_older_one_only_fills_gaps_and_a_repeat_changes_nothing()
    {
        var noon = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var held = new Vessel(noon, Class: "A", Name: "OLD NAME", Destination: "VALLETTA");
        var newer = held.Merge(new Vessel(noon.AddMinutes(6), Name: "NEW NAME", CallSign: "9HA1"));
        Assert.Equal(("NEW NAME", "9HA1", "VALLETTA", "A", noon.AddMinutes(6)), (newer.Name, newer.CallSign, newer.Destination, newer.Class, newer.Updated));
        var older = newer.Merge(new Vessel(noon.AddHours(-1), Name: "OLDER NAME", Imo: 9074729));
        Assert.Equal(("NEW NAME", 9074729u), (older.Name, older.Imo));
        Assert.Same(older, older.Merge(new Vessel(noon.AddHours(1), Name: "NEW NAME")));
    }

    [Theory]
    [InlineData("2026-12-20T10:00Z", 1, 3, 14, 30, "2027-01-03T14:30Z")]   // January after December: next year
    [InlineData("2026-03-10T10:00Z", 3, 10, 8, null, "2026-03-10T08:00Z")] // earlier the same day: still this one; unknown minute 0
    [InlineData("2027-03-01T00:00Z", 2, 29, 0, 0, "2028-02-29T00:00Z")]     // 29 February: the next leap year's
    [InlineData("2026-03-10T10:00Z", null, 10, 8, 0, null)]                 // month unknown: no ETA
    public void An_eta_without_a_year_is_the_next_such_moment(string report, int? month, int? day, int? hour, int? minute, string? expected)
    {
        var eta = AisIngest.EtaAfter(new Eta(month, day, hour, minute), DateTimeOffset.Parse(report));
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected), eta);
    }
}
