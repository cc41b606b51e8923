using System.IO.Compression;

namespace BorderWatch.Feeds;

/// <summary>
/// Feed files are NDJSON, or NMEA logs of AIS (.nm4, .nmea, .aivdm, .txt), plain or gzip-compressed (told by the
/// name ending in .gz).
/// </summary>
public static class FeedFiles
{
    private static readonly string[] NmeaSuffixes = [".nm4", ".nmea", ".aivdm", ".txt"];

    public static bool IsCompressed(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    public static bool IsNmea(string path)
    {
        var name = IsCompressed(path) ? path[..^3] : path;
        return NmeaSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    public static Stream OpenRead(string path) => OpenRead(path, out _);

    /// <summary>Opens a feed file, and gives the file underneath too: how far it is read tells a reader's progress.</summary>
    public static Stream OpenRead(string path, out FileStream file)
    {
        file = File.OpenRead(path);
        return IsCompressed(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Creates a feed file, compressed if its name (or <paramref name="compress"/>) says so.</summary>
    public static Stream Create(string path, bool? compress = null)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory) Directory.CreateDirectory(directory);
        var file = File.Create(path);
        return compress ?? IsCompressed(path) ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
    }

    /// <summary>A scenario name made from a file name: demo-2023-09.ndjson.gz gives demo-2023-09.</summary>
    public static string ScenarioName(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        foreach (var suffix in (string[])[".gz", ".ndjson", ".jsonl", ".json", .. NmeaSuffixes])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        }
        var chars = name.Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 63) slug = slug[..63].TrimEnd('-');
        return slug.Length == 0 ? "replay" : slug;
    }
}
