namespace BorderWatch.Cli.Simulation;

/// <summary>How crossings look on a route: group sizes at sea and on land, and where they are detected.</summary>
public sealed record RouteProfile(string Route, double SeaMedian, double SeaSpread, int SeaMax, IReadOnlyDictionary<string, double> SectorWeights);

/// <summary>A known surge: more crossings on those days, and more of them in one sector.</summary>
public sealed record Surge(string Route, DateOnly From, DateOnly To, string Sector, double SectorFactor, double DayFactor);

/// <summary>
/// Route knowledge the generator draws on (from Frontex risk analyses and press reports, rounded): boat sizes per
/// route (small iron boats from Sfax, large fishing boats from eastern Libya, cayucos to the Canaries, dinghies in
/// the Aegean), small groups at land borders, and the surges an operations centre remembers.
/// </summary>
public static class RouteProfiles
{
    public const double LandMedian = 7, LandSpread = 0.7;
    public const int LandMax = 80;

    public static readonly IReadOnlyList<RouteProfile> All =
    [
        new("central-med", 45, 0.8, 600, new Dictionary<string, double> { ["lampedusa"] = 5, ["pozzallo"] = 1.5, ["malta"] = 0.4, ["zuwara"] = 0.8, ["sfax"] = 1, ["central-med-area"] = 1.5 }),
        new("eastern-med", 32, 0.6, 450, new Dictionary<string, double> { ["lesvos"] = 2, ["samos"] = 1.5, ["chios"] = 1, ["kos"] = 1, ["gavdos"] = 0.5, ["cyprus"] = 1.5, ["evros"] = 2, ["kapitan-andreevo"] = 0.8, ["eastern-med-area"] = 1 }),
        new("western-med", 14, 0.6, 90, new Dictionary<string, double> { ["tarifa"] = 1, ["ceuta"] = 1, ["melilla"] = 0.8, ["almeria"] = 2, ["balearics"] = 1.2, ["western-med-area"] = 1 }),
        new("western-african", 65, 0.6, 300, new Dictionary<string, double> { ["el-hierro"] = 2, ["gran-canaria"] = 2, ["lanzarote"] = 2, ["tenerife"] = 1.5, ["nouadhibou"] = 0.6, ["western-african-area"] = 1 }),
        new("western-balkans", 0, 0, 0, new Dictionary<string, double> { ["roszke"] = 3, ["bihac"] = 2, ["romania-serbia"] = 1, ["bulgaria-serbia"] = 1.5, ["western-balkans-area"] = 1 }),
        new("eastern-borders", 0, 0, 0, new Dictionary<string, double> { ["kuznica"] = 2, ["bialowieza"] = 1.5, ["medininkai"] = 1, ["paternieki"] = 0.6, ["vaalimaa"] = 0.3, ["salla"] = 0.2, ["narva"] = 0.3, ["eastern-borders-area"] = 1 }),
        new("albania-greece", 0, 0, 0, new Dictionary<string, double> { ["kakavia"] = 2, ["krystallopigi"] = 1.5, ["albania-greece-area"] = 1 }),
        new("black-sea", 30, 0.5, 150, new Dictionary<string, double> { ["constanta"] = 1.5, ["burgas"] = 1, ["black-sea-area"] = 1 }),
    ];

    public static readonly IReadOnlyList<Surge> Surges =
    [
        // The Lampedusa landings: several thousand people on 11-14 September 2023.
        new("central-med", new(2023, 9, 11), new(2023, 9, 14), "lampedusa", 4, 9),
        // Belarus instrumentalises migration: Lithuania in summer 2021, then Poland.
        new("eastern-borders", new(2021, 6, 1), new(2021, 8, 15), "medininkai", 15, 1),
        new("eastern-borders", new(2021, 8, 1), new(2021, 11, 30), "kuznica", 6, 1),
        new("eastern-borders", new(2021, 8, 1), new(2021, 11, 30), "bialowieza", 4, 1),
        // Finland-Russia border, November 2023 until the crossings closed in December.
        new("eastern-borders", new(2023, 11, 10), new(2023, 12, 15), "vaalimaa", 25, 1.5),
        new("eastern-borders", new(2023, 11, 10), new(2023, 12, 15), "salla", 25, 1.5),
        // The Canary Islands in autumn 2023: El Hierro above all.
        new("western-african", new(2023, 9, 20), new(2023, 11, 30), "el-hierro", 5, 1),
        // The Aegean in late summer 2023.
        new("eastern-med", new(2023, 8, 15), new(2023, 9, 30), "lesvos", 2, 1),
        // Crete and Gavdos from eastern Libya, 2024 onwards.
        new("eastern-med", new(2024, 1, 1), new(2025, 12, 31), "gavdos", 6, 1),
    ];

    /// <summary>Detections by hour of day: boats are seen from the small hours to the morning, land groups at night.</summary>
    public static readonly double[] SeaHours = [5, 6, 7, 8, 8, 8, 7, 6, 5, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4];
    public static readonly double[] LandHours = [8, 8, 7, 7, 6, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 8];
}
