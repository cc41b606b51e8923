using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BorderWatch.Contracts;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Live;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Tests.Security;

/// <summary>Server processes of their own: credentials that stop start-up, and keys re-read while it runs.</summary>
[Collection(ServerCollection.Name)] // not beside the shared server's timed tests: these start servers of their own
public sealed class CredentialTests(ServerFixture fixture)
{
    public static TheoryData<string, string, string> UnsafeJwtSettings => new()
    {
        // Authority, SigningKey, Issuer, Audience left out as named; the setting the message must name
        { "https://idp.test.example", "", "BorderWatch:Auth:Jwt:Audience" },
        { "", TestKeys.JwtSigningKey, "BorderWatch:Auth:Jwt:Issuer" },
        { "", "short-secret-of-25-bytes!", "BorderWatch:Auth:Jwt:SigningKey" },
    };

    [Theory]
    [MemberData(nameof(UnsafeJwtSettings))]
    public async Task Jwt_settings_that_would_accept_tokens_meant_for_others_stop_start_up(string authority, string signingKey, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["BorderWatch:Auth:Jwt:Authority"] = authority,
            ["BorderWatch:Auth:Jwt:SigningKey"] = signingKey,
            ["BorderWatch:Auth:Jwt:Issuer"] = named.EndsWith("Issuer") ? "" : TestKeys.JwtIssuer,
            ["BorderWatch:Auth:Jwt:Audience"] = named.EndsWith("Audience") ? "" : "borderwatch",
        };
        await using var server = await ServerProcess.StartAsync("UseDevelopmentStorage=true", settings, waitHealthy: false);
        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(named, server.Output);
    }

    [Fact]
    public async Task A_key_removed_from_the_keys_file_is_refused_within_10_s_and_its_dashboards_closed()
    {
        var file = Path.Combine(Path.GetTempPath(), $"borderwatch-keys-{Guid.NewGuid():N}.json");
        const string added = "test-relief-operator-key-71d0";
        static string Keys(params (string Name, string Role, string? Key)[] keys) =>
            JsonSerializer.Serialize(new { BorderWatch = new { Auth = new { Keys = keys.Select(k => new { k.Name, k.Role, k.Key }) } } });
        await File.WriteAllTextAsync(file, Keys(("test-admin", "admin", TestKeys.Admin), ("night-shift", "operator", TestKeys.Operator)));
        try
        {
            await using var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString,
                new Dictionary<string, string> { ["BorderWatch:Auth:KeysFile"] = file }, testKeys: false);
            using var night = server.ClientWith(TestKeys.Operator);
            Assert.Equal(HttpStatusCode.OK, (await night.GetAsync("/api/routes")).StatusCode);
            await using var nightDashboard = await DashboardClient.SubscribeAsync(server.Address, new Subscription("live"), TestKeys.Operator);
            await using var adminDashboard = await DashboardClient.SubscribeAsync(server.Address, new Subscription("live"), TestKeys.Admin);

            // A broken edit is refused whole: the keys before it stay.
            await File.WriteAllTextAsync(file, Keys(("test-admin", "admin", TestKeys.Admin), ("night-shift", "operator", null)));
            await Eventually.HoldsAsync(() => Task.FromResult(server.Output.Contains("changed API keys are refused")), "the broken edit was logged", 10);
            Assert.Equal(HttpStatusCode.OK, (await night.GetAsync("/api/routes")).StatusCode);

            var revoked = Stopwatch.StartNew();
            await File.WriteAllTextAsync(file, Keys(("test-admin", "admin", TestKeys.Admin), ("relief", "operator", added)));
            await Eventually.HoldsAsync(async () => (await night.GetAsync("/api/routes")).StatusCode == HttpStatusCode.Unauthorized, "the removed key is refused", 10);
            await Eventually.HoldsAsync(() => Task.FromResult(nightDashboard.State == HubConnectionState.Disconnected), "its dashboard was closed", 10);
            Assert.InRange(revoked.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            Assert.Equal(HubConnectionState.Connected, adminDashboard.State);
            using var relief = server.ClientWith(added);
            Assert.Equal(HttpStatusCode.OK, (await relief.GetAsync("/api/routes")).StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
