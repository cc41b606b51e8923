namespace BorderWatch.Tests.Infrastructure;

/// <summary>One Azurite and one server process shared by the API tests; each test uses a scenario of its own.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public AzuriteInstance? Azurite { get; private set; }
    public ServerProcess Server { get; private set; } = null!;

    /// <summary>An MMSI of Kystverket's log the server counts as its own fleet, and the name it gives it.</summary>
    public const string OwnVessel = "212570000", OwnVesselName = "Frontex patrol 1";

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteInstance.StartAsync();
        Server = await ServerProcess.StartAsync(Azurite.ConnectionString, new Dictionary<string, string>
        {
            ["BorderWatch:Ais:OwnFleet:0:Mmsi"] = OwnVessel,
            ["BorderWatch:Ais:OwnFleet:0:Name"] = OwnVesselName,
        });
        await Api.ApiClient.CreateScenarioAsync(Server.Http, TestKeys.ScopedScenario);
    }

    public async Task DisposeAsync()
    {
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
