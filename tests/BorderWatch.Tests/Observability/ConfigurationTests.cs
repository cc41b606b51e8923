using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Observability;

/// <summary>A bad setting stops start-up with exit code 2 and names the setting, before anything is served.</summary>
[Collection(ServerCollection.Name)]
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("BorderWatch:Quotas:Assets", "0", "BorderWatch:Quotas:Assets must be at least 1")]
    [InlineData("BorderWatch:Live:PublishInterval", "00:00:00", "BorderWatch:Live:PublishInterval must be between 1 ms and a day")]
    [InlineData("BorderWatch:Assets:TrackPoints", "-5", "BorderWatch:Assets:TrackPoints must be between 1 and 100000")]
    public async Task An_out_of_range_setting_stops_start_up_naming_it(string key, string value, string message)
    {
        await using var server = await ServerProcess.StartAsync("UseDevelopmentStorage=true", new Dictionary<string, string> { [key] = value }, waitHealthy: false);
        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("BorderWatch cannot start:", server.Output);
        Assert.Contains(message, server.Output);
    }
}
