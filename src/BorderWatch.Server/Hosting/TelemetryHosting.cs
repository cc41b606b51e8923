using BorderWatch.Grains;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BorderWatch.Server.Hosting;

/// <summary>
/// OpenTelemetry metrics, traces and logs, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// exporter reads the other standard <c>OTEL_*</c> variables: protocol, headers, intervals, service name). Without
/// it nothing is collected, so telemetry costs nothing unless asked for.
/// </summary>
public static class TelemetryHosting
{
    private static readonly string[] Meters =
    [
        BorderWatchMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.RateLimiting", "System.Runtime",
    ];

    /// <summary>
    /// What detailed telemetry adds: Orleans' meter (instruments on every message), HttpClient's traces and meter
    /// (every storage call is an HTTP request), and traces through grain calls (a batch of 5,000 positions is
    /// 5,000 of them). Each costs on every call, sampled or not: off unless asked for (README, "Observability").
    /// </summary>
    private static readonly string[] DetailedMeters = ["Microsoft.Orleans", "System.Net.Http"];

    /// <summary>Orleans' activity sources: grain calls, with the trace context carried in the messages.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>
    /// Unless OTEL_TRACES_SAMPLER says otherwise (the SDK reads it), one request in a hundred is traced, with all
    /// its spans.
    /// </summary>
    public const double DefaultSampleRatio = 0.01;

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>BorderWatch:Telemetry:Detailed, with an endpoint: one trace from the API through the grains to storage, and Orleans' metrics.</summary>
    public static bool Detailed(IConfiguration configuration) => Enabled(configuration) && configuration.GetValue("BorderWatch:Telemetry:Detailed", false);

    public static void AddBorderWatchTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!Enabled(configuration)) return;
        var detailed = Detailed(configuration);
        // The Azure SDK's spans (each storage call) are behind a switch.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "borderwatch", serviceInstanceId: Environment.MachineName))
            .WithMetrics(m => m.AddMeter(detailed ? [.. Meters, .. DetailedMeters] : Meters))
            .WithTracing(t =>
            {
                if (string.IsNullOrEmpty(configuration["OTEL_TRACES_SAMPLER"]))
                    t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(DefaultSampleRatio)));
                t.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                    .AddSource("Azure.*");
                if (detailed) t.AddHttpClientInstrumentation().AddSource(OrleansSources);
            })
            .WithLogging()
            .UseOtlpExporter();
    }
}
