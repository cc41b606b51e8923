using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using BorderWatch.Ais;
using BorderWatch.Contracts;
using BorderWatch.Feeds;
using BorderWatch.Server.Archive;
using BorderWatch.Server.Ingest;
using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Demo;

/// <summary>Configuration section BorderWatch:Demo.</summary>
public sealed class DemoOptions
{
    public const string Section = "BorderWatch:Demo";

    /// <summary>Off unless asked for (appsettings.Development.json does): its alerts are not for real receivers.</summary>
    public bool Enabled { get; set; }
    public string Scenario { get; set; } = "demo";

    /// <summary>
    /// The bundled feeds, made by `borderwatch simulate`: detections from mid-July 2023 (the history alerts judge
    /// against) and 10-14 September 2023 with patrols (the Lampedusa landings), the patrol vessels and the merchant
    /// traffic around them over AIS.
    /// </summary>
    public List<string> Feeds { get; set; } = ["Demo/demo-2023-07-background.ndjson.gz", "Demo/demo-2023-09.ndjson.gz", "Demo/demo-2023-09.nm4.gz"];

    /// <summary>Event time runs this many times real time: a minute of the feed each second.</summary>
    [Range(0.001, 1e9, ErrorMessage = "BorderWatch:Demo:Speed must be a positive number")]
    public double Speed { get; set; } = 60;

    /// <summary>Records before this are sent at once, so the map shows a day's picture at first sight and alerts have history.</summary>
    public DateTimeOffset PreloadUntil { get; set; } = new(2023, 9, 11, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// Keeps the demo scenario moving: replays the bundled feeds through the same parser and ingest as the API, up to
/// <see cref="DemoOptions.PreloadUntil"/> at once and the rest at <see cref="DemoOptions.Speed"/>; at the end it deletes the scenario and starts
/// again. After a restart it carries on after the newest record the scenario already holds.
/// </summary>
public sealed class DemoFeed(IOptions<DemoOptions> options, RecordParser parser, IngestService ingest, AisIngest ais, ScenarioDirectory scenarios,
    TimeProvider time, ILogger<DemoFeed> logger) : BackgroundService
{
    private readonly DemoOptions _options = options.Value;
    private AisReader _aisReader = null!;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!_options.Enabled) return;
        var feeds = _options.Feeds.Select(f => Path.GetFullPath(f, AppContext.BaseDirectory)).ToArray();
        if (feeds.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            logger.LogError("Demo: the feed {Feed} does not exist; no demo (BorderWatch:Demo:Feeds)", missing);
            return;
        }
        var failures = 0;
        logger.LogInformation("Demo: replaying {Feeds} into scenario {Scenario} at {Speed}x; set BorderWatch:Demo:Enabled=false to stop it",
            string.Join(", ", feeds), _options.Scenario, _options.Speed);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await LoopAsync(feeds, stopping);
                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The cluster or storage is not up yet, or failed: the demo waits and carries on where it was.
                // Said once a minute, not every 2 s: the start-up wait is normal.
                if (failures++ % 30 == 29) logger.LogWarning(e, "Demo: the cluster or storage keeps failing; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), time, stopping);
            }
        }
    }

    private async Task LoopAsync(string[] feeds, CancellationToken stopping)
    {
        var records = new FeedReader(feeds).Read(p => logger.LogWarning("Demo feed: {Problem}", p)).ToList();
        _aisReader = ais.NewReader();
        var newest = (await scenarios.SummarizeAsync(await CreateScenarioAsync())).LastEvent;
        if (newest >= records[^1].Time)
        {
            await scenarios.DeleteAsync(_options.Scenario);   // a loop ended: start again from the beginning
            await CreateScenarioAsync();
            newest = null;
        }
        var preloadEnd = _options.PreloadUntil;
        var remaining = records.Where(r => newest is null || r.Time > newest).ToList();
        foreach (var batch in remaining.TakeWhile(r => r.Time < preloadEnd).Chunk(5000)) await SendAsync(batch);
        var paced = new FeedBatcher(_options.Speed, 5000, FeedBatcher.DefaultMaxBytes, time);
        await foreach (var batch in paced.BatchAsync(remaining.SkipWhile(r => r.Time < preloadEnd), stopping)) await SendAsync(batch);
        await scenarios.DeleteAsync(_options.Scenario);
        logger.LogInformation("Demo: the feed ended; starting again");
    }

    /// <summary>The demo scenario, made if it does not exist (on the first start, and after each loop deletes it).</summary>
    private async Task<ScenarioEntry> CreateScenarioAsync()
    {
        if (await scenarios.CreateAsync(_options.Scenario, "The bundled demo: September 2023, Lampedusa, replayed in a loop", "demo feed") == ScenarioCreation.Full)
            throw new InvalidOperationException($"The demo cannot create scenario {_options.Scenario}: the cluster holds as many scenarios as its quota");
        return await scenarios.FindAsync(_options.Scenario) ?? throw new InvalidOperationException($"Scenario {_options.Scenario} was deleted as it was made");
    }

    private async Task SendAsync(IReadOnlyList<FeedRecord> batch)
    {
        var detections = new List<IngestService.Lined<Detection>>();
        var positions = new List<IngestService.Lined<Position>>();
        var rejected = new List<LineError>();
        var nmea = ais.NewBatch(_aisReader);
        foreach (var record in batch)
        {
            if (record.Type == RecordType.Ais)
            {
                // The AIS path, as a receiver's feed takes it: each of the message's lines.
                var arrival = time.GetUtcNow();
                foreach (var sentence in Encoding.ASCII.GetString(record.Content).Split('\n')) nmea.Add((int)record.Line, sentence, arrival);
                continue;
            }
            using var json = JsonDocument.Parse(record.Content);
            var line = (int)record.Line;
            if (record.Type == RecordType.Detection)
            {
                if (parser.TryDetection(line, json.RootElement, out var detection) is { } error) rejected.Add(error);
                else detections.Add(new(line, detection));
            }
            else
            {
                if (parser.TryPosition(line, json.RootElement, out var position) is { } error) rejected.Add(error);
                else positions.Add(new(line, position));
            }
        }
        if (detections.Count > 0) await ingest.IngestDetectionsAsync(_options.Scenario, detections, rejected);
        if (positions.Count > 0) await ingest.IngestPositionsAsync(_options.Scenario, positions, rejected);
        if (nmea.Sentences > 0)
            foreach (var error in (await ais.SendAsync(_options.Scenario, nmea)).Rejected) logger.LogWarning("Demo AIS line {Line}: {Error}", error.Line, error.Error);
        foreach (var error in rejected) logger.LogWarning("Demo feed line {Line}: {Field}: {Error}", error.Line, error.Field, error.Error);
    }
}
