namespace BorderWatch.Tests.Infrastructure;

public static class Paths
{
    /// <summary>The repository root: where BorderWatch.sln is.</summary>
    public static string Root { get; } = FindRoot();

    public static string ServerProject => Path.Combine(Root, "src", "BorderWatch.Server");

    public static string Catalogue => Path.Combine(ServerProject, "Catalogue", "sectors.geojson");

    /// <summary>Natural Earth's land as the server's build makes it (GeoJSON from world-atlas).</summary>
    public static string Coastline => Path.Combine(Path.GetDirectoryName(ServerDll)!, "Catalogue", "land-50m.geojson");

    public static string Azurite => Path.Combine(ServerProject, "node_modules", ".bin", "azurite");

    /// <summary>The server as the build left it, in the configuration the tests were built in.</summary>
    public static string ServerDll => Path.Combine(ServerProject, "bin", Configuration, "net10.0", "BorderWatch.Server.dll");

    /// <summary>The shared reference data beside the repository (../shared/reference), as CI has it.</summary>
    public static string Reference => Path.Combine(Path.GetDirectoryName(Root)!, "shared", "reference");

    public static string CliProject => Path.Combine(Root, "tools", "BorderWatch.Cli");

    /// <summary>The borderwatch tool as the build left it.</summary>
    public static string CliDll => Path.Combine(CliProject, "bin", Configuration, "net10.0", "borderwatch.dll");

    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BorderWatch.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("BorderWatch.sln not found above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static int FreeUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
