using BorderWatch.Ais;

namespace BorderWatch.Tests.Ais;

/// <summary>The reader every AIS line goes through: reassembly, rejections with a reason, and no allocation for positions.</summary>
public sealed class ReaderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Position = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";

    /// <summary>A sentence with its checksum: the XOR of everything between '!' and '*'.</summary>
    private static string Nmea(string body) => $"!{body}*{body.Aggregate(0, (x, c) => x ^ c):X2}";

    /// <summary>EVER DIADEM's type 5 (from gpsd's sample) in two parts, on channel A with sequence id <paramref name="id"/>.</summary>
    private static (string First, string Second) Voyage(int id) =>
        (Nmea($"AIVDM,2,1,{id},A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0"), Nmea($"AIVDM,2,2,{id},A,88888888880,2"));

    [Fact]
    public void A_message_in_two_parts_is_put_together_in_order_out_of_order_and_interleaved_with_another()
    {
        var reader = new AisReader(TimeSpan.FromSeconds(5));
        var (a1, a2) = Voyage(1);
        var (b1, b2) = Voyage(2);

        Assert.Equal(ReadStatus.Pending, reader.Read(a2, T0).Status);   // the second part first
        Assert.Equal(ReadStatus.Pending, reader.Read(b1, T0).Status);
        var a = reader.Read(a1, T0);
        var b = reader.Read(b2, T0);
        Assert.All(new[] { a, b }, r =>
        {
            Assert.Equal(ReadStatus.Message, r.Status);
            Assert.Equal(("EVER DIADEM", "NEW YORK", 351759000u), (r.Message.Static!.Name, r.Message.Static.Destination, r.Message.Static.Mmsi));
            Assert.Equal("cargo", r.Message.Static.ShipTypeText);
        });
        Assert.Equal((2, 4, 0L), (reader.Counters.Messages, reader.Counters.Sentences, reader.Counters.Incomplete));
    }

    [Fact]
    public void A_part_whose_other_part_never_comes_is_dropped_after_the_timeout_and_counted()
    {
        var reader = new AisReader(TimeSpan.FromSeconds(5));
        var (first, second) = Voyage(3);
        Assert.Equal(ReadStatus.Pending, reader.Read(first, T0).Status);
        Assert.Equal(ReadStatus.Message, reader.Read(Position, T0.AddSeconds(10)).Status);   // later traffic sweeps it
        Assert.Equal(1, reader.Counters.Incomplete);
        Assert.Equal(ReadStatus.Pending, reader.Read(second, T0.AddSeconds(11)).Status);      // too late: waits on its own
        Assert.Equal(1, reader.Counters.Messages);
    }

    [Theory]
    [InlineData("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B", "checksum: does not match")]
    [InlineData("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0", "checksum: missing *hh at the end")]
    [InlineData("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g2,0*??", "payload: this type needs 168 bits")]
    [InlineData("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,7*??", "fill bits: 0 to 5")]
    [InlineData("!AIVDM,2,1,5,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn22,2*??", "fill bits: only the last part of a message has them")]
    [InlineData("!AIVDM,1,1,,A,15RTgt0PAs{;90TKcjM8h6g208CQ,0*??", "payload: a character outside AIS armouring")]
    [InlineData("!AIVDM,3,4,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*??", "fragment number: 1 to the count")]
    [InlineData("!GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,*??", "not an AIS sentence (!..VDM or !..VDO)")]
    [InlineData("hello, world", "not an AIS sentence (!..VDM or !..VDO)")]
    [InlineData("", "not an AIS sentence (!..VDM or !..VDO)")]
    [InlineData("\\c:1565218798*54\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", "tag block: checksum does not match")]
    [InlineData("\\c:1565218798*53!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", "tag block: no closing backslash")]
    public void Bad_lines_are_rejected_with_the_reason(string line, string reason)
    {
        var body = line.EndsWith("*??", StringComparison.Ordinal) ? Nmea(line[1..^3]) : line;   // *??: a correct checksum
        var reader = new AisReader(TimeSpan.FromSeconds(5));
        var result = reader.Read(body, T0);
        Assert.Equal((ReadStatus.Rejected, reason), (result.Status, result.Error));
        Assert.Equal(1, reader.Counters.Rejected);
    }

    [Fact]
    public void Mangled_lines_never_throw()
    {
        var random = new Random(17);
        var reader = new AisReader(TimeSpan.FromSeconds(5));
        var sample = new[] { Position, Voyage(1).First, Voyage(1).Second, "\\c:1565218798*53\\" + Position };
        for (var i = 0; i < 20_000; i++)
        {
            var chars = sample[random.Next(sample.Length)].ToCharArray();
            for (var k = random.Next(1, 4); k > 0; k--) chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            var line = new string(chars, 0, random.Next(chars.Length + 1));
            var result = reader.Read(line, T0.AddMilliseconds(i));
            Assert.True(result.Status != ReadStatus.Rejected || result.Error is { Length: > 0 });
        }
    }

    [Fact]
    public void A_tag_block_gives_the_time_in_seconds_or_milliseconds_and_a_position_costs_no_allocation()
    {
        var reader = new AisReader(TimeSpan.FromSeconds(5));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1565218798), reader.Read("\\c:1565218798*53\\" + Position, T0).Time);
        var ms = "c:1565218798123";
        var tagged = $"\\{ms}*{ms.Aggregate(0, (x, c) => x ^ c):X2}\\{Position}";
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1565218798123), reader.Read(tagged, T0).Time);

        var decoded = reader.Read(Position, T0).Message.Position;
        Assert.Equal((371798000u, 12.3, 215), (decoded.Mmsi, decoded.SpeedKn!.Value, decoded.Heading!.Value));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) reader.Read(Position, T0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
