using System.Net;
using System.Net.Sockets;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>One Azurite and one server process shared by the API tests; each test uses a scenario of its own.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public AzuriteInstance? Azurite { get; private set; }
    public ServerProcess Server { get; private set; } = null!;

    /// <summary>An MMSI of Kystverket's log the server counts as its own fleet, and the name it gives it.</summary>
    public const string OwnVessel = "212570000", OwnVesselName = "Frontex patrol 1";

    /// <summary>
    /// An AIS "receiver" the server connects to as its TCP source (scenario <see cref="AisTcpScenario"/>), listening
    /// before the server starts so that its first connection waits to be accepted; and the port of its UDP source.
    /// </summary>
    public TcpListener AisReceiver { get; } = new(IPAddress.Loopback, 0);
    public int AisUdpPort { get; } = Paths.FreeUdpPort();
    public const string AisTcpScenario = "ais-tcp", AisUdpScenario = "ais-udp";

    public async Task InitializeAsync()
    {
        AisReceiver.Start();
        Azurite = await AzuriteInstance.StartAsync();
        Server = await ServerProcess.StartAsync(Azurite.ConnectionString, new Dictionary<string, string>
        {
            ["BorderWatch:Ais:OwnFleet:0:Mmsi"] = OwnVessel,
            ["BorderWatch:Ais:OwnFleet:0:Name"] = OwnVesselName,
            ["BorderWatch:Ais:Sources:0:Name"] = "test receiver",
            ["BorderWatch:Ais:Sources:0:Tcp"] = $"127.0.0.1:{((IPEndPoint)AisReceiver.LocalEndpoint).Port}",
            ["BorderWatch:Ais:Sources:0:Scenario"] = AisTcpScenario,
            ["BorderWatch:Ais:Sources:1:Udp"] = $"127.0.0.1:{AisUdpPort}",
            ["BorderWatch:Ais:Sources:1:Scenario"] = AisUdpScenario,
            ["BorderWatch:Behaviour:Dark:CheckEvery"] = "00:00:00.500", // the dark rule's live half, looked at often
        });
        foreach (var scenario in new[] { TestKeys.ScopedScenario, AisTcpScenario, AisUdpScenario })
            await Api.ApiClient.CreateScenarioAsync(Server.Http, scenario);
    }

    public async Task DisposeAsync()
    {
        AisReceiver.Stop();
        try
        {
            if (Server is not null) await Server.DisposeAsync();
        }
        finally
        {
            if (Azurite is not null) await Azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
