using System.Globalization;

namespace BorderWatch.Cli.Simulation;

/// <summary>
/// Frontex's monthly detections of illegal border crossings (persons) per route, from the public spreadsheet
/// (Source: Frontex; copied here from the project's shared reference so that the tool works on its own).
/// </summary>
public sealed class FrontexFigures
{
    /// <summary>The spreadsheet's route names and the catalogue's route ids; "Other" has no sectors and is left out.</summary>
    private static readonly Dictionary<string, string> RouteIds = new()
    {
        ["Central Mediterranean Route"] = "central-med",
        ["Eastern Mediterranean Route"] = "eastern-med",
        ["Western Mediterranean Route"] = "western-med",
        ["Western African Route"] = "western-african",
        ["Western Balkan Route"] = "western-balkans",
        ["Eastern Borders Route"] = "eastern-borders",
        ["Circular Route from Albania to Greece"] = "albania-greece",
        ["Black Sea Route"] = "black-sea",
    };

    private readonly Dictionary<(string Route, DateOnly Month), int> _persons = [];

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Simulation", "frontex-ibc-monthly-by-route.csv");

    public static FrontexFigures Load(string path)
    {
        var figures = new FrontexFigures();
        foreach (var (line, number) in File.ReadLines(path).Select((l, i) => (l, i + 1)).Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != 3 || !DateOnly.TryParseExact(cells[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
                || !int.TryParse(cells[2], CultureInfo.InvariantCulture, out var persons) || persons < 0)
                throw new FormatException($"{path}:{number}: expected route,yyyy-MM-01,persons");
            if (RouteIds.TryGetValue(cells[0], out var route)) figures._persons[(route, month)] = persons;
        }
        return figures;
    }

    public int Persons(string route, DateOnly month) => _persons.GetValueOrDefault((route, month));

    /// <summary>The route's busiest month on record: patrol effort is scaled against it.</summary>
    public int Peak(string route) => _persons.Where(p => p.Key.Route == route).Select(p => p.Value).DefaultIfEmpty(1).Max();

    public bool Covers(DateOnly month) => _persons.Keys.Any(k => k.Month == month);
}
