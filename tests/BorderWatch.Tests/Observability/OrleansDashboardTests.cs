using System.Net;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Observability;

/// <summary>The Orleans Dashboard is there only when configured, and only for admins.</summary>
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
    }
}
