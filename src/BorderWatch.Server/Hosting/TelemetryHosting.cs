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
        BorderWatchMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime",
    ];

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static void AddBorderWatchTelemetry(this WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return;
        // The Azure SDK's spans (each storage call) are behind a switch.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "borderwatch", serviceInstanceId: Environment.MachineName))
            .WithMetrics(m => m.AddMeter(Meters))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddSource(OrleansSources)
                .AddSource("Azure.*"))
            .WithLogging()
            .UseOtlpExporter();
    }
}
