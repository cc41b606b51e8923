using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
/// With <c>--rule encounter</c>: two boats 300 m apart south of Crete for 25 minutes, then the position that makes
/// it 30, until the dashboard is sent the encounter alert.
/// </summary>
public static class AlertLatency
{
    public static Command Command()
    {
        var server = new ServerOptions();
        var runs = new Option<int>("--runs") { Description = "How many alerts to time", DefaultValueFactory = _ => 10 };
        var rule = new Option<string>("--rule") { Description = "spike (a surge of detections) or encounter (two vessels meeting)", DefaultValueFactory = _ => "spike" };
        rule.AcceptOnlyFromAmong("spike", "encounter");
        var command = new Command("alert-latency", "Time from the POST that crosses a threshold to the alert on a SignalR dashboard") { runs, rule };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            using var http = server.CreateClient(result, TimeSpan.FromSeconds(60));
            var times = new List<double>();
            for (var run = 1; run <= result.GetValue(runs); run++)
            {
                var scenario = $"alert-latency-{DateTime.UtcNow:yyyyMMddHHmmss}-{run}";
                var ms = result.GetValue(rule) == "encounter"
                    ? await TimeEncounterAsync(server.Hub(result), http, scenario, cancellation)
                    : await TimeOneAsync(server.Hub(result), http, scenario, cancellation);
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
        await PostAsync(http, scenario, "detections", Enumerable.Range(0, 84 * 10).Select(i => Line($"bg-{i}", start.AddHours(2.4 * i), 40)), cancellation);

        await using var dashboard = await DashboardAsync(hubBuilder, scenario, a => a.Target == "route", cancellation);

        var surgeDay = start.AddDays(84);
        var clock = Stopwatch.StartNew();
        await PostAsync(http, scenario, "detections", Enumerable.Range(0, 90).Select(i => Line($"surge-{i}", surgeDay.AddMinutes(16 * i), 100)), cancellation);
        await dashboard.Alerted.WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> TimeEncounterAsync(IHubConnectionBuilder hubBuilder, HttpClient http, string scenario, CancellationToken cancellation)
    {
        var start = new DateTimeOffset(2023, 9, 15, 2, 0, 0, TimeSpan.Zero);
        string At(string asset, double lat, int minutes) =>
            $$"""{"asset":"{{asset}}","kind":"vessel","time":"{{start.AddMinutes(minutes):yyyy-MM-ddTHH:mm:ssZ}}","lat":{{lat.ToString(CultureInfo.InvariantCulture)}},"lon":24.9,"speedKn":0.5,"courseDeg":0}""";
        await ScenarioClient.CreateAsync(http, scenario, "alert-latency: two boats meeting south of Crete", cancellation);
        await PostAsync(http, scenario, "positions", Enumerable.Range(0, 6).SelectMany(i => new[] { At("mother", 34.55, 5 * i), At("boat", 34.5527, 5 * i) }), cancellation);
        await using var dashboard = await DashboardAsync(hubBuilder, scenario, a => a.Behaviour == "encounter", cancellation);

        var clock = Stopwatch.StartNew();
        await PostAsync(http, scenario, "positions", [At("boat", 34.5527, 30)], cancellation);
        await dashboard.Alerted.WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>A dashboard connection on the scenario; <c>Alerted</c> completes when it is sent a firing alert that <paramref name="wanted"/>.</summary>
    private sealed class Dashboard(HubConnection hub, Task alerted) : IAsyncDisposable
    {
        public Task Alerted => alerted;
        public ValueTask DisposeAsync() => hub.DisposeAsync();
    }

    private static async Task<Dashboard> DashboardAsync(IHubConnectionBuilder hubBuilder, string scenario, Func<Alert, bool> wanted, CancellationToken cancellation)
    {
        var alerted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hub = hubBuilder
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)))
            .Build();
        hub.On<DashboardChanges>(nameof(IDashboardClient.Changed), update =>
        {
            if (update.Alerts is { } board && board.Alerts.Any(a => wanted(a) && a.State == AlertState.Firing)) alerted.TrySetResult();
        });
        await hub.StartAsync(cancellation);
        await hub.InvokeAsync("Subscribe", new Subscription(scenario), cancellation);
        return new Dashboard(hub, alerted.Task);
    }

    private static string Line(string id, DateTimeOffset time, int persons) =>
        $$"""{"id":"{{id}}","time":"{{time:yyyy-MM-ddTHH:mm:ssZ}}","lat":36.73,"lon":14.85,"persons":{{persons}}}""";

    private static async Task PostAsync(HttpClient http, string scenario, string records, IEnumerable<string> lines, CancellationToken cancellation)
    {
        using var body = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "application/x-ndjson");
        using var response = await http.PostAsync($"/api/{records}?scenario={scenario}", body, cancellation);
        response.EnsureSuccessStatusCode();
    }
}
