using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// `borderwatch bench`: starts BorderWatch (Release build, Azurite on disk) and measures ingest throughput, live
/// latency, memory per asset, replay time and 1 vs 2 silos; prints a table and writes the figures as JSON.
/// </summary>
public static class BenchCommand
{
    public static Command Command()
    {
        var quick = new Option<bool>("--quick") { Description = "Shorter runs, a fleet of 2,000 assets instead of 10,000 and 100,000, no storage figures, no replay, no second silo: under 2 minutes" };
        var json = new Option<FileInfo>("--json") { Description = "Write the results here as JSON, to compare runs" };
        var runs = new Option<int?>("--runs") { Description = "Runs per throughput figure (default 3, quick 2): median and spread" };
        var fleets = new Option<int[]>("--fleets") { Description = "Fleet sizes to measure (default 10000 100000; quick 2000)", AllowMultipleArgumentsPerToken = true };
        var only = new Option<string[]>("--only") { Description = "Only these measures: detections, positions, ais, latency, storage, replay, scaling, return", AllowMultipleArgumentsPerToken = true };
        var soak = new Option<string?>("--soak") { Description = "Instead: a steady load for this long (default 30m; 90s, 45m, 2h), read every minute; writes a chart beside the JSON", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("bench", "Measure throughput, latency, memory, replay time and scaling on this machine") { quick, json, runs, fleets, only, soak };
        command.SetAction(async (result, cancellation) =>
        {
            var plan = result.GetValue(quick) ? Plan.Short : Plan.Long;
            if (result.GetValue(runs) is { } n) plan = plan with { Runs = Math.Max(1, n) };
            if (result.GetValue(fleets) is { Length: > 0 } sizes) plan = plan with { Fleets = sizes };
            if (result.GetValue(only) is { Length: > 0 } measures)
            {
                var names = measures.SelectMany(m => m.Split(',')).ToHashSet();
                if (names.Except(Plan.Measures).FirstOrDefault() is { } unknown) return Replay.ReplayCommand.Fail($"--only: no measure '{unknown}'; measures: {string.Join(", ", Plan.Measures)}");
                plan = plan with { Only = names };
            }
            var soakFor = result.GetResult(soak) is null ? (TimeSpan?)null : Duration(result.GetValue(soak) ?? "30m");
            var results = soakFor is { } duration
                ? await new BenchRun(plan).SoakAsync(duration, result.GetValue(json)?.FullName ?? "bench-soak.json", cancellation)
                : await new BenchRun(plan).RunAsync(cancellation);
            if (result.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }), cancellation);
                AnsiConsole.MarkupLineInterpolated($"Results written to [bold]{file.FullName}[/]");
            }
            return 0;
        });
        return command;
    }

    private static TimeSpan Duration(string text) => text[^1] switch
    {
        's' => TimeSpan.FromSeconds(double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture)),
        'm' => TimeSpan.FromMinutes(double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture)),
        'h' => TimeSpan.FromHours(double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture)),
        _ => TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <param name="ServerWarmup">Load, unmeasured, on a freshly started server before its first figure.</param>
    /// <param name="Warmup">The unmeasured start of each run.</param>
    public sealed record Plan(bool Quick, int Runs, TimeSpan ServerWarmup, TimeSpan Warmup, TimeSpan Window, int[] Fleets, int LatencySeconds, bool Replay, bool Scaling, bool Storage,
        IReadOnlySet<string>? Only = null)
    {
        public static readonly string[] Measures = ["detections", "positions", "ais", "latency", "storage", "replay", "scaling", "return"];

        public bool Wants(string measure) => Only is null || Only.Contains(measure);

        public static readonly Plan Short = new(true, 2, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(8), [2_000], 5, false, false, false);
        public static readonly Plan Long = new(false, 3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), [10_000, 100_000], 15, true, true, true);
    }
}

/// <summary>A throughput figure over several runs.</summary>
public sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IReadOnlyList<double> runs)
    {
        double[] sorted = [.. runs.Order()];
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }

    public override string ToString() => Min == Max ? $"{Median:N0}" : $"{Median:N0} ({Min:N0}-{Max:N0})";
}

public sealed record BenchResults(
    Dictionary<string, object?> Machine, DateTimeOffset Date, string? Commit, bool Quick,
    double? DetectionsPerSecond, double? PositionsPerSecond, double? LatencyP50Ms, double? LatencyP99Ms, double? BytesPerAsset, double? ReplaySeconds,
    Dictionary<string, object?> Details);
