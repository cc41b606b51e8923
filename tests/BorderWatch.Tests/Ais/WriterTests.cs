using BorderWatch.Ais;

namespace BorderWatch.Tests.Ais;

/// <summary>What the simulator writes, the reader reads back: position reports and static data, field by field.</summary>
public sealed class WriterTests
{
    private static readonly DateTimeOffset Received = new(2023, 9, 11, 4, 0, 7, TimeSpan.Zero);

    private static List<ReadResult> ReadAll(IEnumerable<string> lines)
    {
        var reader = new AisReader(TimeSpan.FromSeconds(10));
        return [.. lines.Select(l => reader.Read(l, Received)).Where(r => r.Status != ReadStatus.Pending)];
    }

    [Fact]
    public void Position_reports_read_back_to_the_same_fields_and_the_tag_blocks_time()
    {
        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var report = new PositionReport(1, (uint)random.Next(200_000_000, 800_000_000), AisClass.A, random.Next(0, 9), null,
                Math.Round(random.NextDouble() * 30, 1), i % 2 == 0, Math.Round(random.NextDouble() * 360 - 180, 4), Math.Round(random.NextDouble() * 180 - 90, 4),
                Math.Round(random.NextDouble() * 359.9, 1), random.Next(0, 360), random.Next(0, 60));
            var lines = AisWriter.Position(report, Received.AddSeconds(i));
            var read = Assert.Single(ReadAll(lines));
            Assert.Equal((ReadStatus.Message, Received.AddSeconds(i)), (read.Status, read.Time));
            var back = read.Message.Position;
            Assert.Equal((report.Mmsi, report.Status, report.SpeedKn, report.Accurate, report.CourseDeg, report.Heading, report.Second),
                (back.Mmsi, back.Status, back.SpeedKn, back.Accurate, back.CourseDeg, back.Heading, back.Second));
            Assert.Equal(report.Lat!.Value, back.Lat!.Value, 5); // 1/600,000 of a degree
            Assert.Equal(report.Lon!.Value, back.Lon!.Value, 5);
        }
    }

    [Fact]
    public void Not_available_fields_are_written_as_such_and_read_back_absent()
    {
        var report = new PositionReport(1, 244660274, AisClass.A, null, null, null, false, null, null, null, null, null);
        var back = Assert.Single(ReadAll(AisWriter.Position(report, Received))).Message.Position;
        Assert.Equal(report with { }, back with { Type = 1 });
    }

    [Fact]
    public void Static_and_voyage_data_takes_two_sentences_and_reads_back_whole()
    {
        var report = new StaticReport(5, 247123456, AisClass.A)
        {
            Imo = 9074729, CallSign = "IBAB", Name = "NAVE DIOMEDEA", ShipType = 55, ToBow = 30, ToStern = 22, ToPort = 5, ToStarboard = 6,
            DraughtM = 3.4, Destination = "LAMPEDUSA", Eta = new Eta(9, 11, 6, 30),
        };
        var lines = AisWriter.Voyage(report, Received, 3);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("\\c:1694404807*", lines[0]);
        var back = Assert.Single(ReadAll(lines)).Message.Static!;
        Assert.Equal(report, back);
    }
}
