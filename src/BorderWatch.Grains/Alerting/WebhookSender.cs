using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Alerting;

/// <summary>
/// In each silo, for each webhook, as many senders as its Concurrency: each leases the oldest waiting notice from
/// the webhook's outbox, posts it signed, and reports what became of it to the outbox and to the alert. Retries,
/// backoff, per-try timeouts and a circuit breaker are the standard resilience handler's, one pipeline per webhook.
/// </summary>
public sealed class WebhookSender(IGrainFactory grains, IHttpClientFactory clients, IOptions<AlertOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
    : BackgroundService
{
    public const string SignatureHeader = "X-BorderWatch-Signature";
    public const string DeliveryHeader = "X-BorderWatch-Delivery";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly HttpRequestOptionsKey<StrongBox<int>> Tries = new("borderwatch.tries");

    public static string ClientName(string webhook) => "webhook:" + webhook;

    /// <summary>One HttpClient per webhook, with the standard resilience handler set from the webhook's options.</summary>
    public static void AddWebhookClients(IServiceCollection services, IConfiguration configuration)
    {
        foreach (var hook in configuration.GetSection(AlertOptions.Section).Get<AlertOptions>()?.Webhooks ?? [])
        {
            var client = services.AddHttpClient(ClientName(hook.Name));
            client.AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = hook.Attempts - 1;
                o.Retry.Delay = hook.FirstRetry;
                o.AttemptTimeout.Timeout = hook.Timeout;
                o.TotalRequestTimeout.Timeout = hook.AllTries;
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * hook.Timeout.Ticks));
            });
            client.AddHttpMessageHandler(() => new TryCounter()); // inside the retries: sees each try
        }
    }

    /// <summary>The signature a receiver checks: HMAC-SHA256 of "t.body" with the webhook's secret, in hex.</summary>
    public static string Signature(string secret, long unixSeconds, string body) =>
        $"t={unixSeconds},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}")))}";

    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(options.Value.Webhooks.SelectMany(hook => Enumerable.Range(0, Math.Max(1, hook.Concurrency)).Select(_ => SendAllAsync(hook, stopping))));

    private async Task SendAllAsync(WebhookOptions hook, CancellationToken stopping)
    {
        var outbox = grains.GetGrain<IWebhookGrain>(hook.Name);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await outbox.TakeAsync(hook.AllTries + TimeSpan.FromSeconds(30)) is not { } notice)
                {
                    await Task.Delay(Poll, time, stopping);
                    continue;
                }
                var delivery = await SendAsync(hook, notice, stopping);
                await outbox.CompleteAsync(notice, delivery);
                await grains.GetGrain<IAlertsGrain>(notice.Scenario).RecordDeliveryAsync(notice.AlertId, delivery);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The cluster or its storage is away: the notice stays in the outbox and is taken again.
                logger.LogWarning(e, "Webhook {Webhook}: could not reach its outbox", hook.Name);
                try { await Task.Delay(TimeSpan.FromSeconds(1), time, stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task<DeliveryRecord> SendAsync(WebhookOptions hook, WebhookNotice notice, CancellationToken stopping)
    {
        var tries = new StrongBox<int>();
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new StringContent(notice.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add(SignatureHeader, Signature(hook.Secret, time.GetUtcNow().ToUnixTimeSeconds(), notice.Body));
        request.Headers.Add(DeliveryHeader, notice.Id);
        request.Options.Set(Tries, tries);
        string error;
        try
        {
            using var response = await clients.CreateClient(ClientName(hook.Name)).SendAsync(request, stopping);
            if (response.IsSuccessStatusCode)
            {
                BorderWatchMetrics.WebhookDeliveries.Add(1, BorderWatchMetrics.Tag("webhook", hook.Name), BorderWatchMetrics.Tag("outcome", "delivered"));
                return new DeliveryRecord(hook.Name, notice.Version, true, tries.Value, time.GetUtcNow(), null);
            }
            error = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            error = e.Message;
        }
        BorderWatchMetrics.WebhookDeliveries.Add(1, BorderWatchMetrics.Tag("webhook", hook.Name), BorderWatchMetrics.Tag("outcome", "failed"));
        logger.LogWarning("Alert notice {Alert} v{Version} to webhook {Webhook} dead-lettered after {Tries} tries: {Error}", notice.AlertId, notice.Version, hook.Name, tries.Value, error);
        return new DeliveryRecord(hook.Name, notice.Version, false, tries.Value, time.GetUtcNow(), error);
    }

    private sealed class TryCounter : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
        {
            if (request.Options.TryGetValue(Tries, out var tries)) Interlocked.Increment(ref tries.Value);
            return base.SendAsync(request, cancellation);
        }
    }
}
