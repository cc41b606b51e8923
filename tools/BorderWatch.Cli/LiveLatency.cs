using System.CommandLine;
using BorderWatch.Cli.Bench;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Cli;

/// <summary>
/// `borderwatch live-latency`: offers detections at a fixed rate to a fresh scenario and times each batch from the
/// start of its POST until a dashboard connection hears a sector count that includes it.
/// </summary>
public static class LiveLatency
{
    public static Command Command()
    {
        var server = new ServerOptions();
        var rate = new Option<int>("--rate") { Description = "Detections per second offered", DefaultValueFactory = _ => 1_000 };
        var seconds = new Option<int>("--seconds") { Description = "How long to offer them", DefaultValueFactory = _ => 20 };
        var scenario = new Option<string>("--scenario") { Description = "The scenario to fill (default: a new one); open the dashboard on it to watch" };
        var command = new Command("live-latency", "Latency from POST to a SignalR dashboard receiving the change, at a fixed rate") { rate, seconds, scenario };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            using var http = server.CreateClient(result, TimeSpan.FromSeconds(100));
            return await RunAsync(http, server.Hub(result), result.GetValue(rate), result.GetValue(seconds),
                result.GetValue(scenario) ?? $"latency-{DateTime.UtcNow:yyyyMMdd-HHmmss}", cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(HttpClient http, IHubConnectionBuilder hubBuilder, int rate, int seconds, string scenario, CancellationToken cancellation)
    {
        Console.WriteLine($"Offering {rate:N0} detections/s for {seconds} s to scenario {scenario} on {http.BaseAddress}");
        var result = await LatencyProbe.MeasureAsync(http, hubBuilder, rate, seconds, scenario, line => Console.WriteLine("  " + line), cancellation);
        if (result.Latency is not { } l)
        {
            Console.Error.WriteLine("The dashboard heard nothing.");
            return 1;
        }
        Console.WriteLine($"Offered {result.OfferedPerSecond:N0} detections/s in {result.Batches} batches; {l.Samples} batches heard");
        Console.WriteLine($"POST -> dashboard latency ms: p50 {l.P50:N0}  p95 {l.P95:N0}  p99 {l.P99:N0}  max {l.Max:N0}");
        return l.Samples == result.Batches ? 0 : 1;
    }
}
