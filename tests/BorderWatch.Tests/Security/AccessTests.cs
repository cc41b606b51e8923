using System.Net;
using System.Net.Http.Json;
using BorderWatch.Contracts;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Security;

/// <summary>Keys and roles, scenario scopes, rate limits, CORS and headers, on the shared server over HTTP and SignalR.</summary>
[Collection(ServerCollection.Name)]
public sealed class AccessTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
    private ServerProcess Server => fixture.Server;

    public static TheoryData<string, string, string, HttpStatusCode> Calls => new()
    {
        // key, method, path, expected
        { "", "GET", "/api/routes", HttpStatusCode.Unauthorized },
        { "not-a-key-at-all-000000", "GET", "/api/routes", HttpStatusCode.Unauthorized },
        { "", "POST", "/api/detections", HttpStatusCode.Unauthorized },
        { "", "GET", "/api/dashboard", HttpStatusCode.Unauthorized },
        { TestKeys.Feeder, "GET", "/api/routes", HttpStatusCode.Forbidden },
        { TestKeys.Feeder, "GET", "/api/alerts", HttpStatusCode.Forbidden },
        { TestKeys.Feeder, "POST", "/api/detections", HttpStatusCode.OK },
        { TestKeys.Operator, "GET", "/api/routes", HttpStatusCode.OK },
        { TestKeys.Viewer, "GET", "/api/routes", HttpStatusCode.OK },
        { TestKeys.Viewer, "GET", "/api/alerts?scenario={scenario}", HttpStatusCode.OK },
        { TestKeys.Viewer, "POST", "/api/alerts/a-1/ack?scenario={scenario}", HttpStatusCode.Forbidden },
        { TestKeys.Viewer, "POST", "/api/silences?scenario={scenario}", HttpStatusCode.Forbidden },
        { TestKeys.Viewer, "POST", "/api/scenarios", HttpStatusCode.Forbidden },
        { TestKeys.Viewer, "POST", "/api/detections", HttpStatusCode.Forbidden },
        { TestKeys.Operator, "POST", "/api/detections", HttpStatusCode.Forbidden },
        { TestKeys.Operator, "DELETE", "/api/scenarios/{scenario}", HttpStatusCode.Forbidden },
        { TestKeys.Operator, "GET", "/api/keys", HttpStatusCode.Forbidden },
        { TestKeys.Admin, "GET", "/api/keys", HttpStatusCode.OK },
        { TestKeys.Operator, "GET", "/api/diagnostics/memory", HttpStatusCode.Forbidden },
        { TestKeys.Admin, "GET", "/api/diagnostics/memory", HttpStatusCode.OK },
        { TestKeys.Operator, "GET", "/api/diagnostics/runtime", HttpStatusCode.Forbidden },
        { TestKeys.Admin, "GET", "/api/diagnostics/runtime", HttpStatusCode.OK },
        { TestKeys.Admin, "POST", "/api/detections", HttpStatusCode.OK },
        { TestKeys.Admin, "DELETE", "/api/scenarios/{scenario}", HttpStatusCode.NoContent },
        { "", "GET", "/health", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_role_may_do_its_work_and_nothing_else(string key, string method, string path, HttpStatusCode expected)
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        using var http = Server.ClientWith(key);
        if (key == "") http.DefaultRequestHeaders.Remove("X-Api-Key");
        if (path.Contains("{scenario}"))
            Assert.True((await Server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("d-1", T0, 35.5, 12.6, 4)])).IsSuccessStatusCode);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{scenario}", scenario) + (path.StartsWith("/api/detections") ? $"?scenario={scenario}" : ""));
        if (method == "POST") request.Content = path.StartsWith("/api/detections")
            ? new StringContent(Detection("d-1", T0, 35.5, 12.6, 4) + "\n", System.Text.Encoding.UTF8, "application/x-ndjson")
            : new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        using var response = await http.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {path} with '{key}': {(int)response.StatusCode} {body}");
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("X-Api-Key", body);
        }
        if (method == "POST" && path.StartsWith("/api/detections") && expected != HttpStatusCode.OK)
            Assert.Equal((0L, 0L), await Server.Http.RouteTotalAsync(scenario, "central-med")); // refused means not counted
    }

    [Fact]
    public async Task The_live_hub_wants_an_operator_key()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        foreach (var (key, status) in new[] { ("", 401), ("wrong-key-0000000000", 401), (TestKeys.Feeder, 403) })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => DashboardClient.SubscribeAsync(Server.Address, new Subscription(scenario), key));
            Assert.Equal(status, (int?)refused.StatusCode);
        }
        await using var dashboard = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(scenario), TestKeys.Operator);
        Assert.NotNull(dashboard.Snapshot);

        var me = await (await Server.ClientWith(TestKeys.Operator).GetAsync("/api/me")).JsonAsync();
        Assert.Equal("duty-officer", me.Text("name"));
    }

    [Fact]
    public async Task Bearer_tokens_from_the_identity_provider_carry_name_role_and_scope()
    {
        async Task<(HttpStatusCode, string)> GetAsync(string token, string path)
        {
            using var http = new HttpClient { BaseAddress = Server.Address };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var response = await http.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var operatorToken = TestKeys.Token("watch-officer", ["operator"]);
        var (status, body) = await GetAsync(operatorToken, "/api/me");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"watch-officer\"", body);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(operatorToken, "/api/routes")).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(TestKeys.Token("radar", ["feeder"]), "/api/routes")).Item1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(TestKeys.Token("forger", ["admin"], "another-signing-key-of-256-bits-00000000000"), "/api/routes")).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(TestKeys.Token("guest", ["operator"], scenarios: ["exercise-x"]), "/api/routes")).Item1);

        // Browsers hand the token to the hub as access_token, as they do keys.
        await using var dashboard = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(await fixture.Server.NewScenarioAsync()), operatorToken);
        Assert.NotNull(dashboard.Snapshot);
    }

    [Fact]
    public async Task Health_is_open_to_probes_but_limited_per_address()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.Address };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await anonymous.GetAsync("/health");
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        // The bucket (5 a second, 10 at once) fills again for the other tests from this address.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task Tokens_signed_with_another_algorithm_than_the_pinned_one_are_refused()
    {
        // The same secret, HS384 instead of the pinned HS256: the signature is genuine, the algorithm is not.
        using var http = new HttpClient { BaseAddress = Server.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestKeys.Token("watch-officer", ["admin"], algorithm: Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha384));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/routes")).StatusCode);
    }

    [Fact]
    public async Task A_hub_connection_closes_when_its_token_expires()
    {
        var token = TestKeys.Token("short-shift", ["operator"], lifetime: TimeSpan.FromSeconds(4));
        var expires = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).ValidTo; // whole seconds
        await using var dashboard = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(await fixture.Server.NewScenarioAsync()), token);
        await using var keyed = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(await fixture.Server.NewScenarioAsync()));
        await Eventually.HoldsAsync(() => Task.FromResult(dashboard.State == HubConnectionState.Disconnected), "the connection closed when its token expired", 20);
        Assert.True(DateTime.UtcNow >= expires, $"closed at {DateTime.UtcNow:HH:mm:ss.fff}, before the token expired at {expires:HH:mm:ss}");
        Assert.Equal(HubConnectionState.Connected, keyed.State);
    }

    [Fact]
    public async Task A_key_scoped_to_an_exercise_reaches_that_scenario_only()
    {
        using var scoped = Server.ClientWith(TestKeys.Scoped);
        Assert.True((await Server.Http.PostNdjsonAsync($"/api/detections?scenario={TestKeys.ScopedScenario}", [Detection("s-1", T0, 35.5, 12.6, 4)])).IsSuccessStatusCode);

        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/routes?scenario={TestKeys.ScopedScenario}")).StatusCode);
        foreach (var path in new[] { "/api/routes", "/api/routes?scenario=live", "/api/alerts?scenario=demo", $"/api/scenarios/{ClusterFixture.NewScenario()}" })
        {
            using var response = await scoped.GetAsync(path);
            Assert.Equal((HttpStatusCode.Forbidden, "scenario"), (response.StatusCode, (await response.JsonAsync()).Text("field")));
        }
        var listed = (await scoped.GetJsonAsync("/api/scenarios")).AsArray().Select(s => s!.Text("name")).ToList();
        Assert.Equal([TestKeys.ScopedScenario], listed);

        await using var dashboard = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(TestKeys.ScopedScenario), TestKeys.Scoped);
        var other = await Assert.ThrowsAsync<HubException>(() => DashboardClient.SubscribeAsync(Server.Address, new Subscription("live"), TestKeys.Scoped));
        Assert.Contains("scenario", other.Message);
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_Retry_After_and_its_batch_is_not_counted()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        using var slow = Server.ClientWith(TestKeys.Slow); // 0.5 requests/s, burst 1
        HttpResponseMessage? limited = null;
        var accepted = 0;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await slow.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection($"r-{i}", T0, 35.5, 12.6, 10)]);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else accepted += (await response.JsonAsync())["accepted"]!.GetValue<int>();
        }
        Assert.NotNull(limited);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 2);
        Assert.Equal("X-Api-Key", (await limited.JsonAsync()).Text("field"));
        Assert.Equal((accepted, accepted * 10L), await Server.Http.RouteTotalAsync(scenario, "central-med"));

        // Other keys are not held up by it.
        Assert.True((await Server.Http.GetAsync($"/api/routes?scenario={scenario}")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Pages_and_answers_carry_security_headers_and_CORS_stays_closed()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.Address };
        foreach (var path in new[] { "/", "/api/routes" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        }

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/routes");
        preflight.Headers.Add("Origin", "https://attacker.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        using var answer = await anonymous.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));

        using var cross = new HttpRequestMessage(HttpMethod.Get, "/api/routes");
        cross.Headers.Add("Origin", "https://attacker.example");
        cross.Headers.Add("X-Api-Key", TestKeys.Operator);
        using var read = await anonymous.SendAsync(cross);
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_hub_refuses_oversized_messages_long_subscriptions_and_subscription_storms()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await using var dashboard = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(scenario));

        var many = await Assert.ThrowsAsync<HubException>(() => dashboard.SubscribeAsync(new Subscription(scenario, Sectors: Enumerable.Repeat("lampedusa", 201).ToArray())));
        Assert.Contains("at most 200", many.Message);

        // 30 a minute per connection: the first subscription above counts, and the refused one did not.
        for (var i = 0; i < 29; i++) await dashboard.SubscribeAsync(new Subscription(scenario));
        var storm = await Assert.ThrowsAsync<HubException>(() => dashboard.SubscribeAsync(new Subscription(scenario)));
        Assert.Contains("subscriptions a minute", storm.Message);

        // A message over 16 KB closes the connection instead of being read.
        await using var big = await DashboardClient.SubscribeAsync(Server.Address, new Subscription(scenario));
        await Assert.ThrowsAnyAsync<Exception>(() => big.SubscribeAsync(new Subscription(new string('a', 20_000))));
        await Eventually.HoldsAsync(() => Task.FromResult(big.State == HubConnectionState.Disconnected), "the oversized message closed the connection", 10);
    }
}
