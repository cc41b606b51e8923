using System.Security.Cryptography;
using System.Text;

namespace BorderWatch.Server.Security;

/// <summary>A configuration mistake that stops the server at start, with a message naming the setting.</summary>
public sealed class SecurityConfigurationException(string message) : Exception(message);

/// <summary>The configured API keys, held as SHA-256 digests and looked up in constant time.</summary>
public sealed class Keyring
{
    public sealed record Holder(string Name, string Role, IReadOnlyList<string> Scenarios, double? RequestsPerSecond)
    {
        /// <summary>Grants the same rights: a connection opened under one may stay open under the other.</summary>
        public bool SameRights(Holder other) => Name == other.Name && Role == other.Role && Scenarios.SequenceEqual(other.Scenarios);
    }

    private readonly (byte[] Digest, Holder Holder)[] _keys;
    private readonly Dictionary<string, Holder> _byName;

    public Keyring(IEnumerable<ApiKeyEntry> entries)
    {
        var keys = new List<(byte[], Holder)>();
        var index = 0;
        foreach (var entry in entries)
        {
            var at = $"{AuthOptions.Section}:Keys:{index++}";
            if (string.IsNullOrWhiteSpace(entry.Name)) throw new SecurityConfigurationException($"{at}:Name is missing.");
            if (entry.Role is null || !Roles.All.Contains(entry.Role))
                throw new SecurityConfigurationException($"{at}:Role of '{entry.Name}' is '{entry.Role}'; it is one of {string.Join(", ", Roles.All)}.");
            if ((entry.Hash is null) == (entry.Key is null))
                throw new SecurityConfigurationException($"{at}: give '{entry.Name}' either Hash (SHA-256 hex of the key) or Key (plain text, development only).");
            byte[] digest;
            if (entry.Key is not null)
            {
                if (entry.Key.Length < 16) throw new SecurityConfigurationException($"{at}:Key of '{entry.Name}' is shorter than 16 characters.");
                digest = Digest(entry.Key);
            }
            else
            {
                try
                {
                    digest = Convert.FromHexString(entry.Hash!);
                }
                catch (FormatException)
                {
                    digest = [];
                }
                if (digest.Length != 32) throw new SecurityConfigurationException($"{at}:Hash of '{entry.Name}' is not 64 hex digits (SHA-256).");
            }
            if (keys.Any(k => k.Item2.Name == entry.Name)) throw new SecurityConfigurationException($"{at}: the name '{entry.Name}' is used twice.");
            keys.Add((digest, new Holder(entry.Name, entry.Role, entry.Scenarios, entry.RequestsPerSecond)));
        }
        _keys = [.. keys];
        _byName = keys.ToDictionary(k => k.Item2.Name, k => k.Item2, StringComparer.Ordinal);
    }

    /// <summary>What is wrong with these keys, if anything: the first setting a keyring would refuse.</summary>
    public static string? Problem(IEnumerable<ApiKeyEntry> entries)
    {
        try
        {
            _ = new Keyring(entries);
            return null;
        }
        catch (SecurityConfigurationException e)
        {
            return e.Message;
        }
    }

    public Holder? Named(string name) => _byName.GetValueOrDefault(name);

    public bool IsEmpty => _keys.Length == 0;

    public IEnumerable<Holder> Holders => _keys.Select(k => k.Holder);

    /// <summary>The holder of a presented key. Every key is compared, in constant time, whatever matches.</summary>
    public Holder? Find(string presented) => Find(Digest(presented));

    public Holder? Find(byte[] digest)
    {
        Holder? found = null;
        foreach (var (known, holder) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, known)) found = holder;
        }
        return found;
    }

    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A new random key (256 bits, URL-safe) and the hash to put in configuration.</summary>
    public static (string Key, string Hash) NewKey()
    {
        var key = "bw_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, Convert.ToHexStringLower(Digest(key)));
    }
}
