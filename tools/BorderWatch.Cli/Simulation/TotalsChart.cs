using System.Globalization;
using System.Text;

namespace BorderWatch.Cli.Simulation;

/// <summary>The generated history as an SVG line chart: persons per month, one line per route.</summary>
public static class TotalsChart
{
    private const int Width = 960, Height = 420, Left = 70, Right = 190, Top = 30, Bottom = 40;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    public static string Svg(IReadOnlyList<string> months, IReadOnlyList<(string Route, long[] Persons)> lines)
    {
        var max = Math.Max(1, lines.SelectMany(l => l.Persons).DefaultIfEmpty(1).Max());
        var step = NiceStep(max / 5.0);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(int i) => Left + (months.Count == 1 ? plotW / 2.0 : plotW * i / (months.Count - 1.0));
        double Y(long v) => Top + plotH * (1 - v / (double)(Math.Ceiling(max / step) * step));
        var svg = new StringBuilder(FormattableString.Invariant(
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" font-family="sans-serif" font-size="12">""")).AppendLine();
        svg.AppendLine(FormattableString.Invariant($"""<text x="{Left}" y="18" font-size="14">Persons detected per month and route (generated; figures: Frontex)</text>"""));
        for (var v = 0.0; v <= Math.Ceiling(max / step) * step; v += step)
        {
            svg.AppendLine(FormattableString.Invariant($"""<line x1="{Left}" x2="{Left + plotW}" y1="{Y((long)v):0.#}" y2="{Y((long)v):0.#}" stroke="#ddd"/>"""));
            svg.AppendLine(FormattableString.Invariant($"""<text x="{Left - 6}" y="{Y((long)v) + 4:0.#}" text-anchor="end">{v:N0}</text>"""));
        }
        for (var i = 0; i < months.Count; i++)
        {
            if (months[i].EndsWith("-01", StringComparison.Ordinal) || months.Count <= 12)
                svg.AppendLine(FormattableString.Invariant($"""<text x="{X(i):0.#}" y="{Height - Bottom + 16}" text-anchor="middle">{months[i]}</text>"""));
        }
        for (var r = 0; r < lines.Count; r++)
        {
            var colour = Colours[r % Colours.Length];
            var points = string.Join(' ', lines[r].Persons.Select((v, i) => FormattableString.Invariant($"{X(i):0.#},{Y(v):0.#}")));
            svg.AppendLine($"""<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>""");
            svg.AppendLine(FormattableString.Invariant($"""<rect x="{Width - Right + 15}" y="{Top + 18 * r}" width="12" height="12" fill="{colour}"/>"""));
            svg.AppendLine(FormattableString.Invariant($"""<text x="{Width - Right + 32}" y="{Top + 18 * r + 10}">{lines[r].Route}</text>"""));
        }
        return svg.AppendLine("</svg>").ToString();
    }

    private static double NiceStep(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(rough, 1))));
        return new[] { 1, 2, 5, 10 }.Select(f => f * magnitude).First(s => s >= rough);
    }
}
