using System.Text;
using BorderWatch.Feeds;

namespace BorderWatch.Tests.Unit;

public sealed class FeedBatcherTests
{
    private static readonly DateTimeOffset Start = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);

    private static FeedRecord Record(int second, int bytes) =>
        new(RecordType.Position, Start.AddSeconds(second), $"a{second}", Encoding.ASCII.GetBytes(new string('x', bytes)), "feed.ndjson", second + 1);

    private static async Task<List<List<FeedRecord>>> BatchesAsync(FeedBatcher batcher, IEnumerable<FeedRecord> records)
    {
        var batches = new List<List<FeedRecord>>();
        await foreach (var batch in batcher.BatchAsync(records)) batches.Add(batch);
        return batches;
    }

    [Fact]
    public async Task At_full_speed_a_batch_is_full_at_its_record_count_or_its_bytes()
    {
        var records = Enumerable.Range(0, 10).Select(i => Record(i, 100)).ToList();

        var byCount = await BatchesAsync(new FeedBatcher(null, 4, long.MaxValue, TimeProvider.System), records);
        var byBytes = await BatchesAsync(new FeedBatcher(null, 1000, 350, TimeProvider.System), records);

        Assert.Equal([4, 4, 2], byCount.Select(b => b.Count));
        Assert.Equal([3, 3, 3, 1], byBytes.Select(b => b.Count));
        Assert.Equal(records, byBytes.SelectMany(b => b));
    }

    [Fact]
    public async Task A_full_batch_is_not_cut_between_records_of_the_same_time()
    {
        // Five records at second 1: a resume point after second 1 must not leave some of them unsent.
        var records = new[] { Record(0, 100) }.Concat(Enumerable.Repeat(Record(1, 100), 5)).Append(Record(2, 100)).ToList();

        var batches = await BatchesAsync(new FeedBatcher(null, 2, 250, TimeProvider.System), records);

        Assert.Equal([6, 1], batches.Select(b => b.Count));
        // No time is in two batches.
        Assert.Equal(records.Select(r => r.Time).Distinct().Count(), batches.Sum(b => b.Select(r => r.Time).Distinct().Count()));
    }
}
