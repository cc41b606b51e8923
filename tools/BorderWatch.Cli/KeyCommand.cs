using System.CommandLine;
using System.Security.Cryptography;
using System.Text;

namespace BorderWatch.Cli;

/// <summary>
/// `borderwatch key`: a new API key and the lines that configure it. The server keeps only the hash; the key is
/// shown once, here.
/// </summary>
public static class KeyCommand
{
    private static readonly string[] Roles = ["feeder", "operator", "admin"];

    public static Command Command()
    {
        var name = new Option<string>("--name") { Description = "Who holds the key: a person, a sensor feed, a tool", Required = true };
        var role = new Option<string>("--role") { Description = "feeder (sends records), operator (reads, acts on alerts) or admin", Required = true };
        role.AcceptOnlyFromAmong(Roles);
        var scenarios = new Option<string[]>("--scenario") { Description = "Limit the key to these scenarios (repeat the option)", AllowMultipleArgumentsPerToken = true };
        var index = new Option<int>("--index") { Description = "Its place in BorderWatch:Auth:Keys", DefaultValueFactory = _ => 0 };

        var command = new Command("key", "Make a new API key and print the configuration that admits it") { name, role, scenarios, index };
        command.SetAction(result =>
        {
            var key = "bw_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            var i = result.GetValue(index);
            var prefix = $"BorderWatch__Auth__Keys__{i}__";
            var scoped = result.GetValue(scenarios) ?? [];

            Console.WriteLine($"Key for {result.GetValue(name)} ({result.GetValue(role)}); give it to its holder, it is not kept anywhere:");
            Console.WriteLine($"  {key}");
            Console.WriteLine();
            Console.WriteLine("Server configuration (environment variables; the server keeps only the SHA-256):");
            Console.WriteLine($"  {prefix}Name={result.GetValue(name)}");
            Console.WriteLine($"  {prefix}Role={result.GetValue(role)}");
            Console.WriteLine($"  {prefix}Hash={hash}");
            for (var s = 0; s < scoped.Length; s++) Console.WriteLine($"  {prefix}Scenarios__{s}={scoped[s]}");
            return 0;
        });
        return command;
    }
}
