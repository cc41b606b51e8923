using Microsoft.Extensions.Primitives;

namespace BorderWatch.Server.Security;

/// <summary>
/// The keyring as configured now, rebuilt whenever the configuration changes (a keys file edited, a secret
/// remounted), so that a revoked key is refused without a restart. A change that does not make a valid keyring is
/// logged and the keyring before it stays: a typo never opens or closes the door by itself. It reads the
/// configuration itself rather than through an options monitor: a validated monitor forgets the last good value
/// when a reload fails its checks.
/// </summary>
public sealed class KeyringSource : IDisposable
{
    private readonly IDisposable _subscription;
    private volatile Keyring _current = new([]);

    public KeyringSource(IConfiguration configuration, ILogger<KeyringSource> log)
    {
        void Read()
        {
            try
            {
                _current = new Keyring(configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.Keys ?? []);
                log.LogInformation("API keys read: {Count} keys", _current.Holders.Count());
                Changed?.Invoke(_current);
            }
            catch (SecurityConfigurationException e)
            {
                log.LogError("The changed API keys are refused and the keys before them stay: {Problem}", e.Message);
            }
        }
        Read(); // checked at start-up (AuthOptions.Problems), so this one holds
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Read);
    }

    public Keyring Current => _current;

    /// <summary>Raised after the keyring changed, with the new one.</summary>
    public event Action<Keyring>? Changed;

    public void Dispose() => _subscription.Dispose();
}
