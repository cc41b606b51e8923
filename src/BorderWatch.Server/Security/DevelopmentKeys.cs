using System.Text.Json;

namespace BorderWatch.Server.Security;

/// <summary>
/// On a developer's machine with no keys configured, one key per role in data/dev-keys.json (created on first
/// start, readable by its owner only) so that the dashboard, curl and the tools work at once.
/// </summary>
public static class DevelopmentKeys
{
    public const string FileName = "data/dev-keys.json";

    /// <summary>Adds the key file to the configuration when this is development and nothing else is configured; returns its path.</summary>
    public static string? AddIfNeeded(WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        if (!builder.Environment.IsDevelopment() || auth.Keys.Count > 0 || auth.Jwt.Enabled) return null;

        var path = Path.GetFullPath(FileName, builder.Environment.ContentRootPath);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var keys = Roles.All.Select(role => new { Name = $"dev-{role}", Role = role, Key = Keyring.NewKey().Key });
            var json = JsonSerializer.Serialize(new { BorderWatch = new { Auth = new { Keys = keys } } }, new JsonSerializerOptions { WriteIndented = true });
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(path, create)) writer.Write(json);
        }
        builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: true);
        return path;
    }

    /// <summary>The key of a role from the file, to print a dashboard address that signs in.</summary>
    public static string? KeyOf(IConfiguration configuration, string role) =>
        configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.Keys.FirstOrDefault(k => k.Role == role)?.Key;
}
