using System.Globalization;

namespace BorderWatch.Cli.Backtest;

/// <summary>
/// What a stretch of a feed holds, from whoever made it: a route, its first and last day (both included), a kind and
/// a name. The generator's kinds: <c>surge</c> (an event it adds), <c>rise</c> (a month at twice the month or the
/// quarter before, or more), <c>spell</c> (calm seas: two days or more at three times the month's average day) and
/// <c>calm</c> (a month within half and one and a half times both the month and the quarter before, with none of
/// those in it).
/// </summary>
public sealed record Label(string Route, DateOnly First, DateOnly Last, string Kind, string Name)
{
    public const string Surge = "surge", Rise = "rise", Spell = "spell", Calm = "calm";

    public DateTimeOffset Start => new(First.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The end of the last day.</summary>
    public DateTimeOffset End => new(Last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Something happened: not a calm month.</summary>
    public bool IsEvent => Kind != Calm;

    /// <summary>NAME<paramref name="ending"/> beside the feed NAME.ndjson(.gz).</summary>
    public static string PathBeside(string feed, string ending = ".labels.csv")
    {
        var name = Path.GetFileName(feed);
        foreach (var suffix in new[] { ".ndjson.gz", ".ndjson", ".gz" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return Path.Combine(Path.GetDirectoryName(feed) ?? ".", name[..^suffix.Length] + ending);
        }
        return feed + ending;
    }

    public static void Write(string path, IEnumerable<Label> labels) =>
        File.WriteAllLines(path, ["route,start,end,kind,name", .. labels.Select(l => $"{l.Route},{l.First:yyyy-MM-dd},{l.Last:yyyy-MM-dd},{l.Kind},{l.Name}")]);

    /// <summary>Reads route,start,end[,kind][,name]; without a kind a label is a surge (the known-events file).</summary>
    public static List<Label> Read(string path)
    {
        var labels = new List<Label>();
        var header = File.ReadLines(path).FirstOrDefault()?.Split(',') ?? [];
        var hasKind = header.Length > 3 && header[3].Trim() == "kind";
        foreach (var (line, number) in File.ReadLines(path).Select((l, i) => (l, i + 1)).Skip(1))
        {
            if (line.Trim().Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length < 3 || !DateOnly.TryParse(cells[1], CultureInfo.InvariantCulture, out var first) || !DateOnly.TryParse(cells[2], CultureInfo.InvariantCulture, out var last) || last < first)
                throw new FormatException($"{path}:{number}: expected route,start,end (yyyy-MM-dd, start first){(hasKind ? ",kind" : "")},name");
            var kind = hasKind ? cells[3].Trim() : Surge;
            var name = string.Join(',', cells[(hasKind ? 4 : 3)..]).Trim();
            labels.Add(new Label(cells[0].Trim(), first, last, kind, name.Length > 0 ? name : $"{cells[0]} {first:yyyy-MM-dd}"));
        }
        return labels;
    }
}
