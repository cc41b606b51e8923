using System.Diagnostics;
using System.Net;
using BorderWatch.Feeds;
using Spectre.Console;

namespace BorderWatch.Cli.Replay;

/// <summary>One replay: read the feed, send it in paced batches with a few in flight, report.</summary>
public sealed class ReplayRun(HttpClient http, string[] files, ReplayCommand.Window window, double? speed, int batchSize, int parallel, TimeSpan retryFor)
{
    private readonly List<FeedProblem> _problems = [];
    private readonly List<string> _warnings = [];
    private BatchAnswer _total = new(0, 0, []);

    public async Task<int> RunAsync(string? scenario, CancellationToken stop)
    {
        string name;
        try
        {
            name = await ScenarioAsync(scenario, stop);
        }
        catch (HttpRequestException e) when (e.StatusCode is { } status)
        {
            return ReplayCommand.Fail($"{e.Message}{(status == HttpStatusCode.Forbidden ? "\nCreating a scenario needs an operator or admin key; or name one that exists with --scenario." : "")}");
        }
        catch (HttpRequestException e)
        {
            return ReplayCommand.Fail($"The server at {http.BaseAddress} did not answer for {retryFor.TotalSeconds:0} s (last: {e.Message}); nothing was sent.");
        }

        AnsiConsole.MarkupLineInterpolated($"Replaying {string.Join(", ", files.Select(Path.GetFileName))} into scenario [bold]{name}[/] at {(speed is { } s ? $"{s:0.##}x real time" : "full speed")}");

        ProgressTask? task = null;
        var sender = new FeedSender(http, name, retryFor, message =>
        {
            lock (_warnings) _warnings.Add(message);
            // Live: in the progress line on a terminal, as a line of its own in a log.
            if (task is not null) task.Description = $"retrying: {Markup.Escape(message)}";
            if (!AnsiConsole.Profile.Capabilities.Interactive) Console.Error.WriteLine($"retrying: {message}");
        });
        var inFlight = new Queue<(Task<BatchAnswer> Send, DateTimeOffset Min, DateTimeOffset Max, int Count)>();
        DateTimeOffset? acknowledged = null;  // every record up to this time (in the feed's order) is acknowledged
        var sent = 0L;
        DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;  // of the records sent, late ones too
        var clock = Stopwatch.StartNew();
        string? fatal = null;
        var reader = new FeedReader(files);

        async Task CompleteHeadAsync()
        {
            var head = inFlight.Peek();
            _total += await head.Send;   // a failed batch stays in the queue: it is not acknowledged
            inFlight.Dequeue();
            acknowledged = head.Max;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                // By bytes read: counting the records first would read the whole feed once more before sending.
                task = progress.AddTask("Sending", maxValue: 1);
                var batcher = new FeedBatcher(speed, batchSize, FeedBatcher.DefaultMaxBytes, TimeProvider.System);
                try
                {
                    await foreach (var batch in batcher.BatchAsync(reader.Read(Problem).Where(window.Contains), stop))
                    {
                        while (inFlight.Count >= parallel || inFlight.Count > 0 && inFlight.Peek().Send.IsCompleted) await CompleteHeadAsync();
                        var (min, max) = (batch.Min(r => r.Time), batch.Max(r => r.Time));
                        inFlight.Enqueue((sender.SendAsync(batch, stop), min, batch[^1].Time, batch.Count));
                        sent += batch.Count;
                        if (min < first) first = min;
                        if (max > last) last = max;
                        task.Value = reader.Fraction;
                        task.Description = $"{sent,11:N0} records  {sent / clock.Elapsed.TotalSeconds,9:N0}/s  clock {batch[^1].Time:yyyy-MM-dd HH:mm}";
                    }
                    while (inFlight.Count > 0) await CompleteHeadAsync();
                    task.Value = reader.Fraction;
                }
                catch (Exception e) when (e is OperationCanceledException or ServerDownException or RefusedException or IOException or InvalidDataException)
                {
                    fatal = e switch { OperationCanceledException => null, IOException or InvalidDataException => $"Cannot read the feed: {e.Message}", _ => e.Message };
                    await SettleAsync(inFlight.Select(b => b.Send));
                }
                task!.StopTask();
            });

        if (sent == 0 && fatal is null && !stop.IsCancellationRequested) return ReplayCommand.Fail("The feed holds no records in that window.");
        Report(clock.Elapsed, sent > 0 ? (first, last) : null);
        var unsent = inFlight.Count > 0 ? inFlight.Min(b => b.Min) : (DateTimeOffset?)null;
        if (stop.IsCancellationRequested || fatal is not null)
        {
            if (fatal is not null) AnsiConsole.MarkupLineInterpolated($"[red]{fatal}[/]");
            else AnsiConsole.MarkupLine("[yellow]Interrupted.[/]");
            var resume = Resume(acknowledged, unsent);
            var command = $"borderwatch replay {string.Join(' ', files.Select(Quote))} --scenario {name}" + (resume is { } r ? $" --resume-after {r:O}" : "");
            AnsiConsole.MarkupLineInterpolated($"Everything up to {(resume is { } t ? t.ToString("O") : "the start")} is acknowledged. Resume with:\n  {command}");
            return fatal is not null ? 1 : ReplayCommand.Interrupted;
        }
        if (reader.OutOfOrder > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]{reader.OutOfOrder:N0} records were more than 10,000 lines out of time order; they were sent late, as a live feed would.[/]");
        return _total.Rejected.Count + _problems.Count > 0 ? 2 : 0;
    }

    /// <summary>
    /// After a stop, waits for the batches still in flight (they are not cancelled) and counts those that were
    /// answered; they stay in the queue, so the resume point stays before them and resending costs only duplicates.
    /// </summary>
    private async Task SettleAsync(IEnumerable<Task<BatchAnswer>> sends)
    {
        foreach (var send in sends)
        {
            try { _total += await send; }
            catch (Exception) { /* not acknowledged: resent on resume */ }
        }
    }

    /// <summary>The resume point: nothing at or before it is unacknowledged, counting late records still in flight.</summary>
    private DateTimeOffset? Resume(DateTimeOffset? acknowledged, DateTimeOffset? earliestUnacknowledged)
    {
        var point = acknowledged ?? window.ResumeAfter;
        if (earliestUnacknowledged is { } u && (point is null || u <= point)) point = u.AddTicks(-1);
        return point;
    }

    /// <summary>The scenario to replay into, made first; a server not up yet is waited for, as for the batches.</summary>
    private async Task<string> ScenarioAsync(string? scenario, CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        var firstFailure = DateTime.UtcNow;
        while (true)
        {
            try
            {
                return scenario is null ? await NewScenarioAsync(FeedFiles.ScenarioName(files[0])) : await NamedScenarioAsync(scenario);
            }
            catch (HttpRequestException e) when ((e.StatusCode is null || (int)e.StatusCode >= 500) && DateTime.UtcNow - firstFailure < retryFor)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]scenario: {e.Message}; retrying in {backoff.TotalSeconds:0.#} s[/]");
                await Task.Delay(backoff, stop);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private string Description => $"replay of {string.Join(", ", files.Select(Path.GetFileName))}";

    /// <summary>A default scenario is a new one: the file's name, or that name with -2, -3... if taken.</summary>
    private async Task<string> NewScenarioAsync(string baseName)
    {
        if (baseName == Contracts.Scenarios.Live) baseName = "live-replay"; // the operational picture only when named
        for (var n = 1; ; n++)
        {
            var name = n == 1 ? baseName : $"{baseName[..Math.Min(baseName.Length, 59)]}-{n}";
            if (await ScenarioClient.CreateAsync(http, name, Description)) return name;
        }
    }

    /// <summary>
    /// A named scenario is made if it does not exist (a resumed replay finds it). A feeder key may not make one: it
    /// replays into a scenario that exists, and the server says so at the first batch if there is none.
    /// </summary>
    private async Task<string> NamedScenarioAsync(string name)
    {
        try
        {
            if (await ScenarioClient.CreateAsync(http, name, Description)) AnsiConsole.MarkupLineInterpolated($"Created scenario [bold]{name}[/]");
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
        }
        return name;
    }

    private void Problem(FeedProblem problem) => _problems.Add(problem);

    private void Report(TimeSpan elapsed, (DateTimeOffset First, DateTimeOffset Last)? span)
    {
        if (span is { } s) AnsiConsole.MarkupLineInterpolated($"Sent records from {s.First:u} to {s.Last:u}");
        var rejected = _problems.Concat(_total.Rejected).ToList();
        var table = new Table().AddColumns("accepted", "duplicates", "rejected", "seconds", "records/s");
        var sent = _total.Accepted + _total.Duplicates + _total.Rejected.Count;
        table.AddRow($"{_total.Accepted:N0}", $"{_total.Duplicates:N0}", $"{rejected.Count:N0}", $"{elapsed.TotalSeconds:N1}", $"{sent / Math.Max(elapsed.TotalSeconds, 0.001):N0}");
        AnsiConsole.Write(table);
        // A plain line too, for scripts and logs.
        Console.WriteLine($"accepted={_total.Accepted} duplicates={_total.Duplicates} rejected={rejected.Count}");
        foreach (var warning in _warnings.Distinct().Take(10)) AnsiConsole.MarkupLineInterpolated($"[yellow]retried: {warning}[/]");
        foreach (var problem in rejected.Take(20)) AnsiConsole.MarkupLineInterpolated($"[red]rejected[/] {problem}");
        if (rejected.Count > 20) AnsiConsole.MarkupLineInterpolated($"... and {rejected.Count - 20:N0} more rejected records");
    }

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}
