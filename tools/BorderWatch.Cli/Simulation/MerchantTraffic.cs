using System.Text.Json;
using BorderWatch.Ais;
using BorderWatch.Feeds;

namespace BorderWatch.Cli.Simulation;

/// <summary>A shipping lane of a route (lanes.json): its waypoints at sea, the ports at its ends, how many ships sail it at once and of what types.</summary>
public sealed record ShippingLane(string Id, string[] Ends, int Vessels, int[] ShipTypes, double[][] Path)
{
    public static Dictionary<string, ShippingLane[]> Load(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, ShippingLane[]>>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new FormatException($"{path} holds no lanes");

    public static string DefaultPath => System.IO.Path.Combine(AppContext.BaseDirectory, "Simulation", "lanes.json");
}

/// <summary>
/// The merchant traffic around the patrols, as AIS: on each lane a fixed number of ships sail from one end to the
/// other at their own speed, and a new ship (another MMSI, name, type, destination) sets out as one arrives. Where a
/// ship is is a function of time alone, so months generated apart join up. A ship that arrives lies moored there
/// (AIS status 5, no speed) for six hours before the next one sets out. Each reports its position every
/// <c>interval</c> (real class A ships: 2-10 s; a simulation thins them) and its static and voyage data when it sets
/// out and then hourly (real ships: every 6 minutes).
/// </summary>
public sealed class MerchantTraffic(IReadOnlyDictionary<string, ShippingLane[]> lanes, int seed, TimeSpan interval)
{
    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaticEvery = TimeSpan.FromHours(1);
    private const double StayHours = 6;
    // Flags of convenience and the Mediterranean's own: Liberia, Marshall Islands, Panama, Malta, Greece, Hong Kong, Singapore, Italy.
    private static readonly uint[] Flags = [636, 538, 355, 229, 241, 477, 563, 247];
    private static readonly string[] Owners = ["MSC", "MAERSK", "CMA CGM", "EVER", "COSCO", "GRANDE", "NORDIC", "STAR", "OCEAN", "AEGEAN"];
    private static readonly string[] Names = ["AURORA", "HORIZON", "LIBERTY", "SPIRIT", "VENTURE", "PIONEER", "DIAMOND", "FALCON", "ATLAS", "MERIDIAN", "TRITON", "SIRIUS"];

    public IEnumerable<SimRecord> Between(string route, DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var lane in lanes.GetValueOrDefault(route) ?? [])
        {
            var track = new PatrolAsset(lane.Id, "vessel", [0, 0], lane.Path, Loop: false);
            var length = track.Km;
            for (var slot = 0; slot < lane.Vessels; slot++)
            {
                var random = new Random(FeedGenerator.StableSeed($"{seed}/{lane.Id}/{slot}"));
                var knots = 10 + 8 * random.NextDouble();
                var offsetKm = 2 * length * random.NextDouble();
                var (lastVoyage, lastStatic) = (-1L, DateTimeOffset.MinValue);
                for (var next = start + interval * random.NextDouble(); next < end; next += interval)
                {
                    var t = new DateTimeOffset(next.Ticks - next.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero); // AIS times are whole seconds
                    // A voyage is the lane's length at sea and then a stay moored at its end, as long as StayHours would sail.
                    var km = offsetKm + knots * 1.852 * (t - Epoch).TotalHours;
                    var period = length + knots * 1.852 * StayHours;
                    var voyage = (long)(km / period);
                    var moored = km - voyage * period >= length;
                    var ship = Ship(lane, slot, voyage);
                    var (lat, lon, course) = track.At(voyage * length + Math.Min(km - voyage * period, length - 0.001));
                    var report = new PositionReport(1, ship.Mmsi, AisClass.A, moored ? 5 : 0, 0, moored ? 0 : Math.Round(knots, 1), true, Math.Round(lon, 5), Math.Round(lat, 5),
                        moored ? null : Math.Round(course, 1), moored ? null : (int)Math.Round(course) % 360, t.Second);
                    yield return new SimRecord(t, route, RecordType.Ais, 0, string.Join('\n', AisWriter.Position(report, t)), Positions: 1);
                    if (voyage == lastVoyage && t - lastStatic < StaticEvery) continue;
                    (lastVoyage, lastStatic) = (voyage, t);
                    var eta = t.AddHours(Math.Max(0, (voyage * period + length - km) / (knots * 1.852)));
                    var data = ship.Static with { Destination = lane.Ends[voyage % 2 == 0 ? 1 : 0], Eta = new Eta(eta.Month, eta.Day, eta.Hour, eta.Minute) };
                    yield return new SimRecord(t, route, RecordType.Ais, 0, string.Join('\n', AisWriter.Voyage(data, t, (int)(ship.Mmsi % 10))), Positions: 0);
                }
            }
        }
    }

    /// <summary>The ship on a lane's slot for one voyage: the same whenever it is asked for.</summary>
    private (uint Mmsi, StaticReport Static) Ship(ShippingLane lane, int slot, long voyage)
    {
        var random = new Random(FeedGenerator.StableSeed($"{seed}/{lane.Id}/{slot}/{voyage}"));
        var mmsi = Flags[random.Next(Flags.Length)] * 1_000_000 + (uint)random.Next(1_000, 999_999);
        var type = lane.ShipTypes[random.Next(lane.ShipTypes.Length)];
        var (length, beam) = type switch
        {
            30 => (random.Next(18, 45), random.Next(6, 10)),
            >= 60 and <= 69 => (random.Next(140, 230), random.Next(24, 32)),
            _ => (random.Next(140, 300), random.Next(22, 46)),
        };
        var bow = length * random.Next(70, 90) / 100;
        var port = beam / 2;
        var name = type == 30 ? $"{Names[random.Next(Names.Length)]} {random.Next(1, 40)}" : $"{Owners[random.Next(Owners.Length)]} {Names[random.Next(Names.Length)]}";
        return (mmsi, new StaticReport(5, mmsi, AisClass.A)
        {
            Imo = (uint)random.Next(9_000_000, 9_999_999), CallSign = $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{random.Next(1000, 9999)}",
            Name = name, ShipType = type, ToBow = bow, ToStern = length - bow, ToPort = port, ToStarboard = beam - port,
            DraughtM = Math.Round(type == 30 ? 3 + 2 * random.NextDouble() : 7 + 8 * random.NextDouble(), 1),
        });
    }
}
