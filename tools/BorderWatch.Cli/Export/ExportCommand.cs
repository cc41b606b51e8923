using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using BorderWatch.Feeds;
using Spectre.Console;

namespace BorderWatch.Cli.Export;

/// <summary>
/// `borderwatch export`: writes what a scenario accepted (from the server's archive in blob storage) as a feed
/// file that `replay` takes back: what goes in can come out.
/// </summary>
public static class ExportCommand
{
    public static Command Command()
    {
        var server = new ServerOptions();
        var scenario = new Option<string>("--scenario") { Description = "The scenario to export", Required = true };
        var route = new Option<string>("--route") { Description = "Only this route's sectors (and positions inside them)" };
        var sector = new Option<string>("--sector") { Description = "Only this sector (and positions inside it)" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only records at or after this event time" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Only records before this event time" };
        var output = new Option<FileInfo>("--out") { Description = "The feed file to write (.gz compresses)", Required = true };
        var command = new Command("export", "Write a scenario's accepted records back out as a replayable feed") { scenario, route, sector, from, to, output };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var query = new List<string>();
            if (result.GetValue(route) is { } r) query.Add($"route={Uri.EscapeDataString(r)}");
            if (result.GetValue(sector) is { } s) query.Add($"sector={Uri.EscapeDataString(s)}");
            if (result.GetValue(from) is { } f) query.Add($"from={Uri.EscapeDataString(f.ToString("O"))}");
            if (result.GetValue(to) is { } t) query.Add($"to={Uri.EscapeDataString(t.ToString("O"))}");
            var path = $"/api/scenarios/{Uri.EscapeDataString(result.GetValue(scenario)!)}/records" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
            using var http = server.CreateClient(result, Timeout.InfiniteTimeSpan);
            return await ExportAsync(http, path, result.GetValue(output)!.FullName, cancellation);
        });
        return command;
    }

    private static async Task<int> ExportAsync(HttpClient http, string path, string file, CancellationToken cancellation)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellation);
        }
        catch (HttpRequestException e)
        {
            return Replay.ReplayCommand.Fail($"Cannot reach the server at {http.BaseAddress}: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var problem = await response.Content.ReadAsStringAsync(cancellation);
                var detail = problem.StartsWith('{') && JsonDocument.Parse(problem).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : problem;
                return Replay.ReplayCommand.Fail($"{(int)response.StatusCode}: {detail}");
            }
            var counts = new Dictionary<RecordType, long> { [RecordType.Detection] = 0, [RecordType.Position] = 0 };
            var clock = Stopwatch.StartNew();
            var partial = file + ".partial";
            await AnsiConsole.Status().StartAsync("Exporting...", async status =>
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
                await using (var output = new StreamWriter(FeedFiles.Create(partial, FeedFiles.IsCompressed(file))))
                {
                    while (await reader.ReadLineAsync(cancellation) is { } line)
                    {
                        await output.WriteAsync(line.AsMemory(), cancellation);
                        await output.WriteAsync('\n');
                        var type = line.StartsWith("{\"type\":\"position\"", StringComparison.Ordinal) ? RecordType.Position : RecordType.Detection;
                        if (++counts[type] % 10_000 == 0) status.Status($"Exporting: {counts.Values.Sum():N0} records");
                    }
                }
            });
            // Written under another name first, so an interrupted export never looks like a whole one.
            File.Move(partial, file, overwrite: true);
            AnsiConsole.MarkupLineInterpolated($"Wrote {counts[RecordType.Detection]:N0} detections and {counts[RecordType.Position]:N0} positions to {file} in {clock.Elapsed.TotalSeconds:N1} s");
            return 0;
        }
    }
}
