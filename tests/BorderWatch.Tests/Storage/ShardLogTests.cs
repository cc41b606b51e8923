using System.Text;
using Azure.Storage.Blobs;
using BorderWatch.Contracts;
using BorderWatch.Grains.Storage;
using BorderWatch.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace BorderWatch.Tests.Storage;

/// <summary>The log every acknowledged record goes through, against Azurite: lines, blocks, segments, writers, damage.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ShardLogTests(ClusterFixture fixture)
{
    private IJournalStorage NewLog(int maxBlockBytes = 1024, int maxBlocksPerSegment = 1000)
    {
        var options = Options.Create(new JournalOptions { MaxBlockBytes = maxBlockBytes, MaxBlocksPerSegment = maxBlocksPerSegment });
        return new JournalStore(new BlobServiceClient(fixture.StorageConnection), options).Open($"{ClusterFixture.NewScenario()}/log/test");
    }

    private static byte[] Lines(string prefix, int count, int width = 40) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"{{\"line\":\"{prefix}-{i}\"}}".PadRight(width) + "\n")));

    private static async Task<(ShardLog Log, List<string> Lines)> ReadAsync(IJournalStorage storage, JournalPosition from = default)
    {
        var lines = new List<string>();
        var log = await ShardLog.OpenAsync(storage, from, (_, bytes) =>
            lines.AddRange(ShardLog.LineRanges(bytes).Select(r => Encoding.ASCII.GetString(bytes, r.Start, r.Length).TrimEnd())));
        return (log, lines);
    }

    [Fact]
    public async Task Appended_lines_are_read_back_in_order_and_a_reopened_log_goes_on_where_it_ended()
    {
        var storage = NewLog();
        var (log, empty) = await ReadAsync(storage);
        Assert.Empty(empty);
        var first = await log.AppendAsync(Lines("a", 3));
        var second = await log.AppendAsync(Lines("b", 2));
        Assert.Equal((new JournalPosition(0, 0), new JournalPosition(0, 3 * 41)), (first, second));

        var (reopened, lines) = await ReadAsync(storage);
        Assert.Equal(["{\"line\":\"a-0\"}", "{\"line\":\"a-1\"}", "{\"line\":\"a-2\"}", "{\"line\":\"b-0\"}", "{\"line\":\"b-1\"}"], lines);
        Assert.Equal(log.End, reopened.End);
        await reopened.AppendAsync(Lines("c", 1));
        Assert.Equal(["{\"line\":\"b-1\"}", "{\"line\":\"c-0\"}"], (await ReadAsync(storage, second.Plus(41))).Lines);
    }

    [Fact]
    public async Task A_write_larger_than_a_block_is_split_at_line_ends_and_a_full_segment_rolls_over_to_the_next()
    {
        // 41-byte lines, 100-byte blocks (two lines each), five blocks a segment.
        var storage = NewLog(maxBlockBytes: 100, maxBlocksPerSegment: 5);
        var (log, _) = await ReadAsync(storage);
        var starts = new List<JournalPosition>();
        for (var write = 0; write < 4; write++) starts.Add(await log.AppendAsync(Lines($"w{write}", 4))); // two blocks each

        // Two writes fill four blocks; the third would need a sixth and seventh, so it starts segment 1.
        Assert.Equal([new(0, 0), new(0, 164), new(1, 0), new(1, 164)], starts);
        Assert.Equal((4, 4), ((await storage.SegmentAsync(0))!.Value.Blocks, (await storage.SegmentAsync(1))!.Value.Blocks));
        var (reopened, lines) = await ReadAsync(storage);
        Assert.Equal(16, lines.Count);
        Assert.Equal(Enumerable.Range(0, 4).SelectMany(w => Enumerable.Range(0, 4).Select(i => $"w{w}-{i}")), lines.Select(l => l[9..^2]));
        Assert.Equal(new JournalPosition(1, 328), reopened.End);

        var exported = new List<string>();
        await foreach (var line in ShardLog.ReadLinesAsync(storage)) exported.Add(Encoding.ASCII.GetString(line.Span).TrimEnd());
        Assert.Equal(lines, exported);
    }

    [Fact]
    public async Task Ranges_read_together_each_come_back_whole_in_the_order_asked_and_neighbours_share_a_read()
    {
        var prefix = $"{ClusterFixture.NewScenario()}/log/test";
        var journals = new FaultyJournals(new JournalStore(new BlobServiceClient(fixture.StorageConnection),
            Options.Create(new JournalOptions { MaxBlockBytes = 64 * 1024, MaxBlocksPerSegment = 4 })));
        var storage = journals.Open(prefix);
        var (log, _) = await ReadAsync(storage);
        // Segment 0: ten 41-byte lines (a block), 100 KB of filler (two), ten more (one); segment 1: ten more.
        var starts = new List<(JournalPosition At, int Length)>();
        foreach (var part in new[] { "a", "filler", "b", "c" })
        {
            var bytes = part == "filler" ? Lines(part, 1, width: 100 * 1024) : Lines(part, 10);
            var at = await log.AppendAsync(bytes);
            if (part != "filler") starts.AddRange(Enumerable.Range(0, 10).Select(i => (at.Plus(i * 41), 41)));
        }
        Assert.Equal((0, 1), (starts[19].At.Segment, starts[20].At.Segment));

        (JournalPosition, int)[] asked = [starts[25], starts[3], starts[1], starts[2], starts[14], starts[3], starts[29]];
        var reads = journals.OfLog(prefix).Reads;
        var read = await log.ReadManyAsync(asked);
        // a-1, a-2, a-3 lie side by side; b-4 is past the filler; c-5 and c-9 are in the next segment.
        Assert.Equal(3, journals.OfLog(prefix).Reads - reads);

        Assert.Equal(["{\"line\":\"c-5\"}", "{\"line\":\"a-3\"}", "{\"line\":\"a-1\"}", "{\"line\":\"a-2\"}", "{\"line\":\"b-4\"}", "{\"line\":\"a-3\"}", "{\"line\":\"c-9\"}"],
            read.Select(b => Encoding.ASCII.GetString(b).TrimEnd()));
        for (var i = 0; i < asked.Length; i++) Assert.Equal(await storage.ReadAsync(asked[i].Item1, asked[i].Item2), read[i]);
    }

    [Fact]
    public async Task A_line_longer_than_a_block_or_a_read_piece_is_written_and_read_whole()
    {
        var storage = NewLog(maxBlockBytes: 1000);
        var (log, _) = await ReadAsync(storage);
        var huge = "{\"state\":\"" + new string('x', 9 * 1024 * 1024) + "\"}";
        await log.AppendAsync(Lines("before", 1));
        await log.AppendAsync(Encoding.ASCII.GetBytes(huge + "\n"));
        await log.AppendAsync(Lines("after", 1));
        var (_, lines) = await ReadAsync(storage);
        Assert.Equal(3, lines.Count);
        Assert.Equal(huge.Length, lines[1].Length);
    }

    [Fact]
    public async Task A_second_writer_cannot_append_over_the_first()
    {
        var storage = NewLog();
        var (first, _) = await ReadAsync(storage);
        var (second, _) = await ReadAsync(storage); // both believe the log ends at 0
        await first.AppendAsync(Lines("first", 2));

        await Assert.ThrowsAsync<JournalConflictException>(() => second.AppendAsync(Lines("second", 2)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => second.AppendAsync(Lines("again", 1))); // it knows it does not know the end
        Assert.Equal(["{\"line\":\"first-0\"}", "{\"line\":\"first-1\"}"], (await ReadAsync(storage)).Lines);
    }

    [Fact]
    public async Task A_checkpoint_past_the_end_of_the_log_is_reported_not_skipped()
    {
        var storage = NewLog(maxBlockBytes: 100, maxBlocksPerSegment: 2);
        var (log, _) = await ReadAsync(storage);
        await log.AppendAsync(Lines("a", 4));
        await log.AppendAsync(Lines("b", 4)); // segment 1

        // As when Azurite lost its last writes: the checkpoint says more was there than is.
        var short_ = await Assert.ThrowsAsync<JournalDamagedException>(() => ReadAsync(storage, new JournalPosition(1, 500)));
        Assert.Contains("segment 1 holds 164 bytes, but 500 were acknowledged", short_.Message);
        var missing = await Assert.ThrowsAsync<JournalDamagedException>(() => ReadAsync(storage, new JournalPosition(2, 10)));
        Assert.Contains("segment 2 holds 0 bytes, but 10 were acknowledged", missing.Message);
        Assert.Equal(4, (await ReadAsync(storage, new JournalPosition(1, 0))).Lines.Count);
    }

    [Fact]
    public async Task A_sealed_segment_reads_the_same_at_the_same_offsets_takes_less_room_and_the_log_goes_on_after_it()
    {
        var storage = NewLog();
        var log = await ShardLog.OpenAsync(storage, default, (_, _) => { }, segmentBytes: 400);
        var starts = new List<JournalPosition>();
        for (var write = 0; write < 5; write++) starts.Add(await log.AppendAsync(Lines($"w{write}", 12))); // 492 bytes: a segment each
        Assert.Equal(Enumerable.Range(0, 5).Select(n => new JournalPosition(n, 0)), starts);
        var (_, before) = await ReadAsync(storage);
        var open = (await storage.SegmentsAsync()).Sum(s => s.Length);

        for (var segment = 0; segment < 4; segment++) Assert.True(await storage.SealAsync(segment) > 0);
        Assert.Equal(0, await storage.SealAsync(0)); // once

        var listed = await storage.SegmentsAsync();
        Assert.Equal([true, true, true, true, false], listed.Select(s => s.IsSealed));
        Assert.True(listed.Sum(s => s.Length) < open * 0.6, $"{listed.Sum(s => s.Length):N0} bytes sealed against {open:N0}");
        Assert.Equal(before, (await ReadAsync(storage)).Lines);
        Assert.Equal(before[15..], (await ReadAsync(storage, new JournalPosition(1, 3 * 41))).Lines); // mid-segment, as recovery starts
        var exported = new List<string>();
        await foreach (var line in ShardLog.ReadLinesAsync(storage)) exported.Add(Encoding.ASCII.GetString(line.Span).TrimEnd());
        Assert.Equal(before, exported);

        // The open segment sealed too, as when the write that closed it never landed: the log goes on in the next one.
        await storage.SealAsync(4);
        var (reopened, _) = await ReadAsync(storage);
        Assert.Equal(new JournalPosition(5, 0), await reopened.AppendAsync(Lines("after", 1)));
        Assert.Equal([.. before, "{\"line\":\"after-0\"}"], (await ReadAsync(storage)).Lines);
    }

    [Fact]
    public async Task A_state_line_cut_by_a_failed_block_stays_a_fragment_after_the_next_write()
    {
        var journals = new FaultyJournals(new JournalStore(new BlobServiceClient(fixture.StorageConnection),
            Options.Create(new JournalOptions { MaxBlockBytes = 64 })));
        var shard = GrainKeys.For(ClusterFixture.NewScenario(), "sectors-00");
        var faults = journals.Of(shard);
        var storage = journals.Open(JournalStore.ShardPrefix(shard));
        var (log, _) = await ReadAsync(storage);
        await log.AppendAsync(Entry("lampedusa", [1, 2, 3], isState: true));
        var good = faults.Appends;

        // A state of 300 bytes is a line of some 420: several blocks. The second one fails.
        faults.Fault = (n, _) => n == good + 2 ? AppendFault.Before : AppendFault.None;
        await Assert.ThrowsAsync<IOException>(() => log.AppendAsync(Entry("lampedusa", new byte[300], isState: true)));
        faults.Fault = null;

        var (reopened, _) = await ReadAsync(storage);
        await reopened.AppendAsync(Entry("lampedusa", Encoding.ASCII.GetBytes("{\"id\":\"d-1\"}\n"), isState: false));

        var states = new List<int>();
        var records = 0;
        await ShardLog.OpenAsync(storage, default, (_, bytes) =>
        {
            foreach (var (start, length) in ShardLog.LineRanges(bytes))
            {
                var kind = ShardLines.Read(bytes.AsSpan(start, length), out var member, out var state);
                if (kind == ShardLines.Kind.State) states.Add(Convert.FromBase64String(Encoding.ASCII.GetString(bytes.AsSpan(start, length)[state])).Length);
                if (kind == ShardLines.Kind.Record) records++;
            }
        });
        Assert.Equal([3], states); // the first state only: the cut one is not a state
        Assert.Equal(1, records);
    }

    private static byte[] Entry(string member, byte[] bytes, bool isState)
    {
        var escaped = ShardLines.Escape(member);
        var buffer = new byte[ShardLines.Size(escaped, bytes.Length, isState)];
        return buffer[..ShardLines.Write(buffer, escaped, bytes, isState).Length];
    }
}
