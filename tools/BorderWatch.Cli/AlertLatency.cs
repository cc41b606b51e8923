using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BorderWatch.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BorderWatch.Cli;

/// <summary>
/// `borderwatch alert-latency`: in fresh scenarios, 12 weeks of steady crossings at Pozzallo, then one day of a surge;
/// times from the start of the POST that carries the surge until a dashboard connection is sent the firing alert.
/// </summary>
public static class AlertLatency
{
    public static Command Command()
    {
        var server = new ServerOptions();
        var runs = new Option<int>("--runs") { Description = "How many surges to time", DefaultValueFactory = _ => 10 };
        var command = new Command("alert-latency", "Time from the POST that crosses a threshold to the alert on a SignalR dashboard") { runs };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            using var http = server.CreateClient(result, TimeSpan.FromSeconds(60));
            var times = new List<double>();
            for (var run = 1; run <= result.GetValue(runs); run++)
            {
                var ms = await TimeOneAsync(server.Hub(result), http, $"alert-latency-{DateTime.UtcNow:yyyyMMddHHmmss}-{run}", cancellation);
                Console.WriteLine($"  run {run}: {ms:N0} ms");
                times.Add(ms);
            }
            times.Sort();
            Console.WriteLine($"POST -> alert on the dashboard, ms: p50 {times[times.Count / 2]:N0}  max {times[^1]:N0}  ({times.Count} runs)");
            return 0;
        });
        return command;
    }

    private static async Task<double> TimeOneAsync(IHubConnectionBuilder hubBuilder, HttpClient http, string scenario, CancellationToken cancellation)
    {
        var start = new DateTimeOffset(2023, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await ScenarioClient.CreateAsync(http, scenario, "alert-latency: 12 weeks of steady crossings, then a surge", cancellation);
        await PostAsync(http, scenario, Enumerable.Range(0, 84 * 10).Select(i => Line($"bg-{i}", start.AddHours(2.4 * i), 40)), cancellation);

        var alerted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = hubBuilder
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)))
            .Build();
        hub.On<AlertsUpdate>(nameof(IDashboardClient.AlertsChanged), update =>
        {
            if (update.Alerts.Any(a => a.Target == "route" && a.State == AlertState.Firing)) alerted.TrySetResult();
        });
        await hub.StartAsync(cancellation);
        await hub.InvokeAsync("Subscribe", new Subscription(scenario, Routes: ["central-med"]), cancellation);

        var surgeDay = start.AddDays(84);
        var clock = Stopwatch.StartNew();
        await PostAsync(http, scenario, Enumerable.Range(0, 90).Select(i => Line($"surge-{i}", surgeDay.AddMinutes(16 * i), 100)), cancellation);
        await alerted.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string Line(string id, DateTimeOffset time, int persons) =>
        $$"""{"id":"{{id}}","time":"{{time:yyyy-MM-ddTHH:mm:ssZ}}","lat":36.73,"lon":14.85,"persons":{{persons}}}""";

    private static async Task PostAsync(HttpClient http, string scenario, IEnumerable<string> lines, CancellationToken cancellation)
    {
        using var body = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "application/x-ndjson");
        using var response = await http.PostAsync($"/api/detections?scenario={scenario}", body, cancellation);
        response.EnsureSuccessStatusCode();
    }
}
