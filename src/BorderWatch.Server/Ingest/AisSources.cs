using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BorderWatch.Ais;
using BorderWatch.Server.Archive;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Ingest;

/// <summary>
/// The configured AIS feeds (BorderWatch:Ais:Sources), one loop each: a TCP client that reconnects with backoff, or
/// a UDP listener. Lines are gathered for as long as one batch takes to become durable, then sent through the same
/// ingest as a POST, so nothing counts before its asset's journal holds it. A batch that fails is sent again, as it
/// was: its positions keep their times, so a retry counts once.
/// </summary>
public sealed class AisSources(AisIngest ais, ScenarioDirectory scenarios, IOptions<AisOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime,
    ILogger<AisSources> logger)
    : BackgroundService
{
    /// <summary>The most lines one batch takes (about 100 ms of a busy sea).</summary>
    public const int MaxBatch = 10_000;
    private const int MaxLineBytes = 1024;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1), LastRetry = TimeSpan.FromSeconds(30);

    private static TimeSpan Longer(TimeSpan wait) => TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, wait.Ticks * 2));

    private readonly List<AisSourceState> _sources = [.. options.Value.Sources.Select(s => new AisSourceState(s))];

    public IReadOnlyList<AisSourceStatus> Statuses() => [.. _sources.Select(s => s.Status(clock.GetUtcNow()))];

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (_sources.Count == 0) return;
        // Once the server is up (the co-hosted silo with it): a batch read before would only wait for it.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult)) await started.Task.WaitAsync(stop);
        await Task.WhenAll(_sources.Select(s => RunAsync(s, stop)));
    }

    private async Task RunAsync(AisSourceState source, CancellationToken stop)
    {
        var reader = ais.NewReader(); // one for the source's life: a message may straddle a reconnect
        var wait = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ScenarioExistsAsync(source, stop);
                if (source.Options.Tcp is { } tcp) await ReadTcpAsync(source, reader, tcp, () => wait = FirstRetry, stop);
                else await ListenUdpAsync(source, reader, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                source.Disconnected(e is SocketException s ? s.SocketErrorCode.ToString() : e.Message, clock.GetUtcNow());
                logger.LogWarning("AIS source {Source}: {Error}; trying again in {Wait} s", source.Name, e.Message, wait.TotalSeconds);
            }
            try
            {
                // Jittered, so that sources cut by one outage do not all come back at once.
                await Task.Delay(wait * (0.8 + 0.4 * Random.Shared.NextDouble()), clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            wait = Longer(wait);
        }
    }

    /// <summary>Reads nothing for a scenario that does not exist (yet): it would all be refused. Looks again every 5 s.</summary>
    private async Task ScenarioExistsAsync(AisSourceState source, CancellationToken stop)
    {
        while (await scenarios.FindAsync(source.Options.Scenario) is null)
        {
            source.Disconnected($"there is no scenario '{source.Options.Scenario}'", clock.GetUtcNow());
            await Task.Delay(TimeSpan.FromSeconds(5), clock, stop);
        }
    }

    private async Task ReadTcpAsync(AisSourceState source, AisReader reader, string endpoint, Action connected, CancellationToken stop)
    {
        var (host, port) = AisSourceOptions.HostAndPort(endpoint)!.Value;
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, stop);
        source.Connected(clock.GetUtcNow());
        connected();
        // A read takes whatever the socket holds, up to the buffer: the busier the feed, the larger the batch.
        var pipe = PipeReader.Create(client.GetStream(), new StreamPipeReaderOptions(bufferSize: 256 * 1024));
        try
        {
            while (true)
            {
                var read = await pipe.ReadAsync(stop);
                var buffer = read.Buffer;
                var batch = ais.NewBatch(reader);
                var arrival = clock.GetUtcNow();
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    Add(source, batch, buffer.Slice(0, end), arrival);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }
                var cut = read.IsCompleted && !buffer.IsEmpty;
                if (buffer.Length > MaxLineBytes) buffer = buffer.Slice(buffer.Length); // no line is this long: drop it
                pipe.AdvanceTo(buffer.Start, read.Buffer.End);
                await SendAsync(source, batch, stop);
                if (cut) source.Error("cut", "the connection closed in the middle of a line");
                if (read.IsCompleted)
                {
                    source.Disconnected("closed by the source", clock.GetUtcNow());
                    return;
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    private async Task ListenUdpAsync(AisSourceState source, AisReader reader, CancellationToken stop)
    {
        using var udp = new UdpClient(AisSourceOptions.UdpEndpoint(source.Options.Udp!)!);
        source.Connected(clock.GetUtcNow());
        while (true)
        {
            var batch = ais.NewBatch(reader);
            do
            {
                // A datagram holds whole sentences, the last with or without its line end.
                var datagram = (await udp.ReceiveAsync(stop)).Buffer;
                var arrival = clock.GetUtcNow();
                foreach (var line in new ReadOnlySequence<byte>(datagram).Split())
                    Add(source, batch, line, arrival);
            } while (udp.Available > 0 && batch.Sentences < MaxBatch);
            await SendAsync(source, batch, stop);
        }
    }

    private static void Add(AisSourceState source, AisBatch batch, ReadOnlySequence<byte> bytes, DateTimeOffset arrival)
    {
        var number = source.NextLine();
        if (bytes.Length > MaxLineBytes)
        {
            batch.Rejected.Add(new AisLineError(number, $"line: longer than {MaxLineBytes} bytes"));
            return;
        }
        Span<char> line = stackalloc char[(int)bytes.Length];
        Encoding.Latin1.GetChars(bytes, line);
        batch.Add(number, line.TrimEnd('\r'), arrival);
    }

    /// <summary>Sends the batch until it is durable: the source is not read meanwhile (TCP holds back the sender).</summary>
    private async Task SendAsync(AisSourceState source, AisBatch batch, CancellationToken stop)
    {
        batch.Reader.Sweep(clock.GetUtcNow());
        if (batch.Sentences == 0) return;
        for (var wait = FirstRetry; ; wait = Longer(wait))
        {
            try
            {
                source.Took(await ais.SendAsync(source.Options.Scenario, batch), batch.Reader.Counters.Incomplete, clock.GetUtcNow());
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                source.Error("storage", e.Message);
                logger.LogWarning(e, "AIS source {Source}: a batch of {Sentences} sentences could not be made durable; sending it again in {Wait} s",
                    source.Name, batch.Sentences, wait.TotalSeconds);
                await Task.Delay(wait, clock, stop);
            }
        }
    }
}

internal static class SequenceLines
{
    /// <summary>The lines of a datagram, split at '\n', the last one whether or not it ends in one.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> Split(this ReadOnlySequence<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.PositionOf((byte)'\n');
            yield return end is { } at ? bytes.Slice(0, at) : bytes;
            bytes = end is { } e ? bytes.Slice(bytes.GetPosition(1, e)) : default;
        }
    }
}
