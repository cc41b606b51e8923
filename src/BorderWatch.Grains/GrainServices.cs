using BorderWatch.Grains.Alerting;
using BorderWatch.Grains.Live;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace BorderWatch.Grains;

public static class GrainServices
{
    /// <summary>
    /// What the grains need in a silo beyond its storage clients: the journal store, shard references, the live
    /// publisher, and the webhooks' senders with an HttpClient each (from <paramref name="configuration"/>).
    /// </summary>
    public static IServiceCollection AddBorderWatchGrains(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.TryAddSingleton<JournalStore>();   // front ends use it too, to list, export and delete scenarios
        services.TryAddSingleton<IJournalStorageProvider>(sp => sp.GetRequiredService<JournalStore>());
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section);
        services.AddSingleton<ShardReferences>();
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section);
        services.AddSingleton<LivePublisher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LivePublisher>());
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section);
        services.AddOptions<BehaviourOptions>().BindConfiguration(BehaviourOptions.Section);
        services.AddSingleton<AlertNotifier>();
        services.AddHostedService<WebhookSender>();
        if (configuration is not null) WebhookSender.AddWebhookClients(services, configuration);
        services.AddHttpClient();
        return services;
    }
}
