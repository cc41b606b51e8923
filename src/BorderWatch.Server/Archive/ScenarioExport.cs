using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BorderWatch.Contracts;
using BorderWatch.Feeds;
using BorderWatch.Geography;
using BorderWatch.Grains.Storage;

namespace BorderWatch.Server.Archive;

/// <summary>Which records of a scenario to export: one route or sector, and an event-time window.</summary>
public sealed record ExportFilter(string? Route, string? Sector, DateTimeOffset? From, DateTimeOffset? To)
{
    public bool Covers(DateTimeOffset time) => (From is null || time >= From) && (To is null || time < To);
}

/// <summary>
/// Writes what a scenario accepted, from the shard logs in blob storage (the archive of every accepted raw record),
/// as one replayable feed: each line the record as journaled plus its "type", all logs merged by event time.
/// Positions belong to a route or sector when they lie in it.
/// </summary>
public sealed class ScenarioExport(JournalStore journals, SectorCatalogue catalogue)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<long> WriteAsync(string scenario, ExportFilter filter, Stream output, CancellationToken cancellation)
    {
        var sources = new List<IAsyncEnumerator<(DateTimeOffset Time, byte[] Line)>>();
        var located = filter.Route is not null || filter.Sector is not null;
        foreach (var shard in JournalShards.All(scenario, JournalShards.Detections))
            sources.Add(Lines(shard, RecordType.Detection, (sector, _) => InFilter(sector, filter), filter).GetAsyncEnumerator(cancellation));
        foreach (var shard in JournalShards.All(scenario, JournalShards.Assets))
            sources.Add(Lines(shard, RecordType.Position, (_, line) => !located || InFilter(SectorOf(line), filter), filter).GetAsyncEnumerator(cancellation));

        var heads = new PriorityQueue<int, (DateTimeOffset, int)>();
        for (var i = 0; i < sources.Count; i++)
        {
            if (await sources[i].MoveNextAsync()) heads.Enqueue(i, (sources[i].Current.Time, i));
        }
        var written = 0L;
        while (heads.TryDequeue(out var i, out _))
        {
            await output.WriteAsync(sources[i].Current.Line, cancellation);
            if (++written % 10_000 == 0) await output.FlushAsync(cancellation);
            if (await sources[i].MoveNextAsync()) heads.Enqueue(i, (sources[i].Current.Time, i));
        }
        foreach (var source in sources) await source.DisposeAsync();
        return written;
    }

    private bool InFilter(string? sector, ExportFilter filter) =>
        (filter.Sector is null || sector == filter.Sector) && (filter.Route is null || sector is not null && catalogue.RouteOf(sector) == filter.Route);

    private string? SectorOf(ReadOnlySpan<byte> line)
    {
        var position = JsonSerializer.Deserialize<Position>(line, Json)!;
        return catalogue.Locate(position.Lat, position.Lon)?.Id;
    }

    /// <summary>Whether to export a record of a member (a sector's or an asset's id).</summary>
    private delegate bool LineFilter(string member, ReadOnlySpan<byte> line);

    /// <summary>One shard's records in the window (saved states skipped), each made a feed line with its type.</summary>
    private async IAsyncEnumerable<(DateTimeOffset, byte[])> Lines(string shard, RecordType type, LineFilter keep, ExportFilter filter,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var typed = Encoding.UTF8.GetBytes($"{{\"type\":\"{FeedRecord.Name(type)}\",");
        string? member = null;
        await foreach (var bytes in ShardLog.ReadLinesAsync(journals.Open(JournalStore.ShardPrefix(shard)), cancellation))
        {
            var line = bytes.Span;
            var kind = ShardLines.Read(line, out var named);
            if (kind != ShardLines.Kind.Record)
            {
                member = kind == ShardLines.Kind.Header ? named : null;
                continue;
            }
            if (member is null || FeedReader.Describe(line, out _, out var time, out _) is not null || !filter.Covers(time) || !keep(member, line)) continue;
            yield return (time, [.. typed, .. line[1..], (byte)'\n']);   // {"type":"...", + the record without its '{'
        }
    }
}
