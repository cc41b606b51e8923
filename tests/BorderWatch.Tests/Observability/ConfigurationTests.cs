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
    [InlineData("BorderWatch:Limits:Burst", "0", "BorderWatch:Limits:Burst must be at least 1")]
    [InlineData("BorderWatch:Auth:Jwt:Audience", "", "BorderWatch:Auth:Jwt:Audience is not set")]
    [InlineData("BorderWatch:Alerts:Webhooks:0:Url", "ftp://example.test/hook", "BorderWatch:Alerts:Webhooks:0:Name is missing")]
    [InlineData("BorderWatch:Ais:Sources:0:Tcp", "receiver.example", "BorderWatch:Ais:Sources:0:Tcp is host:port, not 'receiver.example'")]
    public async Task An_out_of_range_setting_stops_start_up_naming_it(string key, string value, string message)
    {
        await using var server = await ServerProcess.StartAsync("UseDevelopmentStorage=true", new Dictionary<string, string> { [key] = value }, waitHealthy: false);
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 2, $"exit code {exit}:\n{server.Output}");
        Assert.Contains("BorderWatch cannot start:", server.Output);
        Assert.Contains(message, server.Output);
    }

    [Fact]
    public async Task Storage_out_of_reach_at_start_up_ends_it_with_one_line_and_exit_code_1()
    {
        var closed = Paths.FreePort();
        var storage = BorderWatch.Server.Hosting.LocalAzurite.ConnectionString(closed, closed, closed);
        await using var server = await ServerProcess.StartAsync(storage, waitHealthy: false);
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 1, $"exit code {exit}:\n{server.Output}");
        Assert.Matches(@"BorderWatch could not start: .*Connection refused", server.Output);
        Assert.DoesNotContain("Unhandled exception", server.Output);
    }
}
