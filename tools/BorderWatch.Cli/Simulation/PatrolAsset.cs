using System.Text.Json;
using BorderWatch.Geography;

namespace BorderWatch.Cli.Simulation;

/// <summary>
/// A patrol asset and the track it patrols: vessels stay at sea (the test <c>Vessel_patrol_tracks_never_cross_land</c>
/// checks every leg against Natural Earth's land), vehicles drive up and down a land border, aircraft fly a circuit.
/// A vessel with an <see cref="Mmsi"/> reports over AIS when the simulation writes AIS.
/// </summary>
public sealed record PatrolAsset(string Id, string Kind, double[] Knots, double[][] Path, bool Loop = true, string? Mmsi = null)
{
    /// <summary>The track as legs, closed when it is a circuit.</summary>
    public IReadOnlyList<(double Lon, double Lat)> Points =>
        [.. Path.Select(p => (p[0], p[1])), .. Loop ? new[] { (Path[0][0], Path[0][1]) } : []];

    /// <summary>How long the track is, km (a circuit closed).</summary>
    public double Km => Points.Zip(Points.Skip(1), Distance).Sum();

    /// <summary>Where the asset is after <paramref name="km"/> along its track (a circuit repeats, a line turns back), and its course.</summary>
    public (double Lat, double Lon, double Course) At(double km)
    {
        var points = Points;
        var legs = points.Zip(points.Skip(1), (a, b) => (A: a, B: b, Km: Distance(a, b))).ToList();
        var length = legs.Sum(l => l.Km);
        var along = km % (Loop ? length : 2 * length);
        var back = !Loop && along > length;
        if (back) along = 2 * length - along;
        foreach (var leg in legs)
        {
            if (along <= leg.Km || leg == legs[^1])
            {
                var f = leg.Km == 0 ? 0 : Math.Min(1, along / leg.Km);
                var lat = leg.A.Lat + (leg.B.Lat - leg.A.Lat) * f;
                var lon = leg.A.Lon + (leg.B.Lon - leg.A.Lon) * f;
                var course = back ? Bearing(leg.B, leg.A) : Bearing(leg.A, leg.B);
                return (lat, lon, course);
            }
            along -= leg.Km;
        }
        throw new InvalidOperationException("A track needs two points.");
    }

    public static Dictionary<string, PatrolAsset[]> Load(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, PatrolAsset[]>>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new FormatException($"{path} holds no patrol plans");

    public static string DefaultPath => System.IO.Path.Combine(AppContext.BaseDirectory, "Simulation", "patrols.json");

    private static double Distance((double Lon, double Lat) a, (double Lon, double Lat) b) => GreatCircle.Km(a.Lat, a.Lon, b.Lat, b.Lon);

    private static double Bearing((double Lon, double Lat) a, (double Lon, double Lat) b) => GreatCircle.Bearing(a.Lat, a.Lon, b.Lat, b.Lon);
}
