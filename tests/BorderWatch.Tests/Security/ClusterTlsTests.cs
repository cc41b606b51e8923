using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Security;

/// <summary>Processes of their own: two silos and a front end on mutual TLS, and front ends kept out.</summary>
[Collection(ServerCollection.Name)] // not beside the shared server's timed tests: these start servers of their own
public sealed class ClusterTlsTests(ServerFixture fixture)
{
    [Fact]
    public async Task Two_silos_and_a_front_end_work_over_mutual_TLS_and_a_front_end_without_the_cluster_certificate_gets_no_answer()
    {
        var folder = Directory.CreateTempSubdirectory("borderwatch-tls-");
        try
        {
            var clusterCertificate = SelfSigned(folder.FullName, "borderwatch-cluster");
            var otherCertificate = SelfSigned(folder.FullName, "someone-else");
            var cluster = new Dictionary<string, string>
            {
                ["Orleans:ClusterId"] = "tls-" + Guid.NewGuid().ToString("N")[..8],
                ["Orleans:Clustering:ProviderType"] = "AzureTableStorage",
                ["Orleans:Clustering:ServiceKey"] = "storage",
                ["Orleans:Tls:Certificate"] = clusterCertificate,
                ["Orleans:Tls:Password"] = "test",
            };
            await using var siloA = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, cluster);
            await using var siloB = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, cluster);
            await using var frontEnd = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, new Dictionary<string, string>(cluster) { ["BorderWatch:Role"] = "Client" });

            // Records through the front end land on grains of both silos; each silo reads the same totals.
            var scenario = await frontEnd.NewScenarioAsync();
            var t0 = new DateTimeOffset(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
            var lines = Enumerable.Range(0, 200).Select(i => Detection($"tls-{i}", t0.AddMinutes(i), 35.5 + i % 10 * 0.01, 12.6, 2));
            Assert.True((await frontEnd.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", lines)).IsSuccessStatusCode);
            foreach (var server in new[] { frontEnd, siloA, siloB })
                Assert.Equal((200L, 400L), await server.Http.RouteTotalAsync(scenario, "central-med"));

            // Another certificate, or none: the gateways do not let it in, so it never answers healthy.
            var intruders = new[]
            {
                new Dictionary<string, string>(cluster) { ["BorderWatch:Role"] = "Client", ["Orleans:Tls:Certificate"] = otherCertificate },
                new Dictionary<string, string>(cluster) { ["BorderWatch:Role"] = "Client", ["Orleans:Tls:Certificate"] = "" },
            };
            foreach (var settings in intruders)
            {
                await using var intruder = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, settings, waitHealthy: false);
                for (var i = 0; i < 15 && !intruder.HasExited; i++)
                {
                    try
                    {
                        using var health = await intruder.Http.GetAsync("/health");
                        Assert.NotEqual(HttpStatusCode.OK, health.StatusCode);
                    }
                    catch (HttpRequestException)
                    {
                        // not listening (yet, or ever)
                    }
                    await Task.Delay(1000);
                }
            }
            Assert.Equal((200L, 400L), await siloA.Http.RouteTotalAsync(scenario, "central-med"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string SelfSigned(string folder, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "test"));
        return path;
    }
}
