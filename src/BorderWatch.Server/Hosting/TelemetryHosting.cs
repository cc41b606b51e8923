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
    /// <summary>Orleans' activity sources: grain calls, with the trace context carried in the messages.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private static readonly string[] Meters =
    [
        BorderWatchMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime",
    ];

    /// <summary>
    /// Unless OTEL_TRACES_SAMPLER says otherwise (the SDK reads it), one request in a hundred is traced, with all its
    /// spans: a batch of 5,000 positions is 5,000 grain calls, and tracing every one halves position throughput.
    /// </summary>
    public const double DefaultSampleRatio = 0.01;

    private static TracerProviderBuilder SetDefaultSampler(this TracerProviderBuilder tracing, IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration["OTEL_TRACES_SAMPLER"])
            ? tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(DefaultSampleRatio)))
            : tracing;

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    // Both off unless asked for (README, "Observability"): with `borderwatch bench --quick`, tracing grain calls (a
    // batch of positions is 5,000 of them, each an Activity even when not sampled) took two fifths of position
    // throughput, and Orleans' meter (instruments on every message) a tenth, and up to a fifth of detections.

    /// <summary>Traces follow grain calls (Orleans' activity propagation): one trace from the API through the grains to storage.</summary>
    public static bool TraceGrainCalls(IConfiguration configuration) => Enabled(configuration) && configuration.GetValue("BorderWatch:Telemetry:TraceGrainCalls", false);

    private static bool OrleansMetrics(IConfiguration configuration) => configuration.GetValue("BorderWatch:Telemetry:OrleansMetrics", false);

    public static void AddBorderWatchTelemetry(this WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return;
        // The Azure SDK's spans (each storage call) are behind a switch.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "borderwatch", serviceInstanceId: Environment.MachineName))
            .WithMetrics(m => m.AddMeter(OrleansMetrics(builder.Configuration) ? [.. Meters, "Microsoft.Orleans"] : Meters))
            .WithTracing(t => t
                .SetDefaultSampler(builder.Configuration)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddSource(OrleansSources)
                .AddSource("Azure.*"))
            .WithLogging()
            .UseOtlpExporter();
    }
}
