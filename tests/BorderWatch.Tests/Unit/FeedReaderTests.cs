using System.IO.Compression;
using BorderWatch.Feeds;
using BorderWatch.Tests.Replay;

namespace BorderWatch.Tests.Unit;

public sealed class FeedReaderTests
{
    private static string Line(string id, int minute, string? type = null)
    {
        var typed = type is null ? "" : $"\"type\":\"{type}\",";
        var key = type == "position" ? $"\"asset\":\"{id}\"" : $"\"id\":\"{id}\"";
        return "{" + typed + key + $",\"time\":\"2023-09-12T06:{minute:D2}:00Z\",\"nested\":{{\"time\":\"x\"}}}}";
    }

    [Fact]
    public void Files_are_merged_by_event_time_and_local_disorder_is_put_right()
    {
        var dir = FeedFixtures.TempDirectory();
        var a = Path.Combine(dir, "a.ndjson");
        var b = Path.Combine(dir, "b.ndjson.gz");
        File.WriteAllLines(a, [Line("a1", 1), Line("a3", 3), Line("a2", 2), Line("a5", 5)]);   // a2 arrived late
        using (var gz = new StreamWriter(new GZipStream(File.Create(b), CompressionLevel.Fastest)))
            gz.Write(string.Join('\n', Line("b0", 0, "position"), Line("b4", 4)));

        var reader = new FeedReader([a, b]);
        var records = reader.Read(p => Assert.Fail(p.ToString())).ToList();

        Assert.Equal(["b0", "a1", "a2", "a3", "b4", "a5"], records.Select(r => r.Key));
        Assert.Equal(RecordType.Position, records[0].Type);
        Assert.Equal((a, 3L), (records[2].File, records[2].Line));
        Assert.Equal(0, reader.OutOfOrder);
    }

    [Fact]
    public void Progress_by_bytes_read_rises_through_two_files_and_ends_at_one()
    {
        var dir = FeedFixtures.TempDirectory();
        var a = Path.Combine(dir, "a.ndjson");
        var b = Path.Combine(dir, "b.ndjson.gz");
        File.WriteAllLines(a, Enumerable.Range(0, 3000).Select(i => Line($"a{i}", i % 60)));
        using (var gz = new StreamWriter(new GZipStream(File.Create(b), CompressionLevel.Fastest)))
            gz.Write(string.Join('\n', Enumerable.Range(0, 3000).Select(i => Line($"b{i}", i % 60))));
        var reader = new FeedReader([a, b], reorderWindow: 10);

        var seen = new List<double> { reader.Fraction };
        var count = 0;
        foreach (var _ in reader.Read(p => Assert.Fail(p.ToString())))
            if (++count % 500 == 0) seen.Add(reader.Fraction);
        seen.Add(reader.Fraction);

        Assert.Equal(6000, count);
        Assert.Equal(0, seen[0]);
        Assert.Equal(1, seen[^1]);
        Assert.Equal(seen.Order(), seen);                       // never goes back
        Assert.Contains(seen, f => f is > 0.2 and < 0.8);       // and moves along the way, not only at the end
    }

    [Fact]
    public void Records_later_than_the_window_are_passed_on_late_and_counted()
    {
        var file = Path.Combine(FeedFixtures.TempDirectory(), "late.ndjson");
        File.WriteAllLines(file, [Line("x1", 1), Line("x2", 2), Line("x3", 3), Line("x0", 0)]);
        var reader = new FeedReader([file], reorderWindow: 1);
        Assert.Equal(["x1", "x2", "x0", "x3"], reader.Read(_ => { }).Select(r => r.Key));
        Assert.Equal(1, reader.OutOfOrder);
    }

    [Fact]
    public void Lines_without_a_usable_time_or_type_are_reported_with_file_and_line()
    {
        var file = Path.Combine(FeedFixtures.TempDirectory(), "bad.ndjson");
        File.WriteAllLines(file, [Line("ok", 1), "{\"id\":\"t\",\"time\":\"yesterday\"}", "", "[1,2]", "{\"type\":\"boat\",\"time\":\"2023-09-12T06:00:00Z\"}", "{\"id\":",
            "{\"id\":\"x\\ud800\",\"time\":\"2023-09-12T06:00:00Z\"}"]);
        var problems = new List<FeedProblem>();
        var records = new FeedReader([file]).Read(problems.Add).ToList();
        Assert.Equal(["ok"], records.Select(r => r.Key));
        Assert.Equal([(2L, "time"), (4L, "json"), (5L, "type"), (6L, "json"), (7L, "id")], problems.Select(p => (p.Line, p.Field)));
        Assert.StartsWith("bad.ndjson:2: time:", problems[0].ToString());
    }

    [Theory]
    [InlineData("demo-2023-09.ndjson.gz", "demo-2023-09")]
    [InlineData("/data/Lampedusa Sept 2023.JSONL", "lampedusa-sept-2023")]
    [InlineData("___.ndjson", "replay")]
    public void A_file_name_makes_a_valid_scenario_name(string path, string expected) => Assert.Equal(expected, FeedFiles.ScenarioName(path));
}

public sealed class NmeaLogTests
{
    private static readonly string[] Kystverket = File.ReadAllLines(Path.Combine(Infrastructure.Paths.Reference, "ais", "kystverket-1000.nm4"));

    [Fact]
    public void A_log_becomes_one_record_a_message_with_its_parts_together_and_untimed_lines_wait_for_a_time()
    {
        var first = Array.FindIndex(Kystverket, l => l.Contains("!BSVDM,2,1,3,A,"));
        var second = Array.FindIndex(Kystverket, first, l => l.Contains("!BSVDM,2,2,3,A,"));
        var single = Kystverket[0];
        var untimed = single[(single.LastIndexOf('\\') + 1)..]; // the sentence without its tag block: still a sentence
        var file = Path.Combine(FeedFixtures.TempDirectory(), "mixed.nm4");
        File.WriteAllLines(file, [untimed, "hello", Kystverket[first], single, Kystverket[second]]);

        var records = new FeedReader([file]).Read(p => Assert.Fail(p.ToString())).ToList();

        var time = DateTimeOffset.FromUnixTimeSeconds(1565218798); // the tag blocks' c
        Assert.All(records, r => Assert.Equal((RecordType.Ais, time), (r.Type, r.Time)));
        Assert.Equal([1L, 2, 4, 3], records.Select(r => r.Line));
        Assert.Equal($"{Kystverket[first]}\n{Kystverket[second]}", System.Text.Encoding.Latin1.GetString(records[3].Content));
        Assert.Equal((1, 2), (records[0].Lines, records[3].Lines));
    }

    [Fact]
    public void A_log_without_tag_blocks_goes_at_once_and_a_message_missing_a_part_still_goes()
    {
        var tagged = Kystverket.First(l => l.Contains("!BSVDM,2,1,"));
        var part = tagged[(tagged.LastIndexOf('\\') + 1)..];
        var file = Path.Combine(FeedFixtures.TempDirectory(), "untimed.nmea.gz");
        using (var gz = new StreamWriter(new GZipStream(File.Create(file), CompressionLevel.Fastest)))
            gz.Write("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n\n" + part + "\n");
        var records = new FeedReader([file]).Read(p => Assert.Fail(p.ToString())).ToList();
        Assert.Equal([(1L, DateTimeOffset.UnixEpoch), (3L, DateTimeOffset.UnixEpoch)], records.Select(r => (r.Line, r.Time)));
        Assert.Equal("untimed", FeedFiles.ScenarioName(file));
    }
}
