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
/// Writes what a scenario accepted, from the journals in blob storage (the archive of every accepted raw record),
/// as one replayable feed: each line the record as journaled plus its "type", all journals merged by event time.
/// Positions belong to a route or sector when they lie in it.
/// </summary>
public sealed class ScenarioExport(JournalStore journals, SectorCatalogue catalogue)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<long> WriteAsync(string scenario, ExportFilter filter, Stream output, CancellationToken cancellation)
    {
        var sources = new List<IAsyncEnumerator<(DateTimeOffset Time, byte[] Line)>>();
        foreach (var sector in await journals.ChildrenAsync(JournalStore.SectorsOf(scenario)))
        {
            if (InFilter(sector, filter))
                sources.Add(Lines(JournalStore.SectorPrefix(scenario, sector), RecordType.Detection, _ => true, filter).GetAsyncEnumerator(cancellation));
        }
        var located = filter.Route is not null || filter.Sector is not null;
        foreach (var asset in await journals.ChildrenAsync(JournalStore.AssetsOf(scenario)))
        {
            sources.Add(Lines(JournalStore.AssetPrefix(scenario, asset), RecordType.Position, line => !located || InFilter(SectorOf(line), filter), filter)
                .GetAsyncEnumerator(cancellation));
        }

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

    private delegate bool LineFilter(ReadOnlySpan<byte> line);

    /// <summary>One journal's lines in the window, each made a feed line with its type.</summary>
    private async IAsyncEnumerable<(DateTimeOffset, byte[])> Lines(string prefix, RecordType type, LineFilter keep, ExportFilter filter,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var typed = $"{{\"type\":\"{FeedRecord.Name(type)}\",";
        await foreach (var text in BlobJournal.ReadAllLinesAsync(journals.Container, prefix, cancellation))
        {
            var line = Encoding.UTF8.GetBytes(text);
            if (FeedReader.Describe(line, out _, out var time, out _) is not null || !filter.Covers(time) || !keep(line)) continue;
            yield return (time, Encoding.UTF8.GetBytes(typed + text.AsSpan(1).ToString() + "\n"));   // {"type":"...", + the record without its '{'
        }
    }
}
