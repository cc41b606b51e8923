using System.Net;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Observability;

/// <summary>The Orleans Dashboard is there only when configured, and only for admins, with a key or the cookie a key buys.</summary>
[Collection(ServerCollection.Name)]
public sealed class OrleansDashboardTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_Orleans_dashboard_is_served_under_orleans_to_admins_only_when_configured()
    {
        using (var off = await fixture.Server.Http.GetAsync("/orleans/")) Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);

        await using var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, new Dictionary<string, string> { ["BorderWatch:OrleansDashboard"] = "true" });
        using (var page = await server.Http.GetAsync("/orleans/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType);
        }
        using var operatorHttp = server.ClientWith(TestKeys.Operator);
        using (var refused = await operatorHttp.GetAsync("/orleans/")) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = server.Address };
        using (var refused = await anonymous.GetAsync("/orleans/")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // A browser: the admin's page buys a cookie with its key, and the Orleans page and its fetches carry only that.
        using (var refused = await operatorHttp.PostAsync("/api/orleans/session", null)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        string cookie;
        using (var session = await server.Http.PostAsync("/api/orleans/session", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
            var set = Assert.Single(session.Headers.GetValues("Set-Cookie"));
            Assert.Contains("path=/orleans", set);
            Assert.Contains("httponly", set);
            Assert.Contains("samesite=strict", set);
            cookie = set.Split(';')[0];
        }
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.Address };
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/orleans/"))
        {
            request.Headers.Add("Cookie", cookie);
            using var page = await browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single());   // its inline styles, there only
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/alerts"))
        {
            request.Headers.Add("Cookie", cookie);   // the cookie opens nothing else
            using var api = await browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }
        using (var dashboard = await anonymous.GetAsync("/")) Assert.DoesNotContain("'unsafe-inline'", dashboard.Headers.GetValues("Content-Security-Policy").Single());
    }
}
