using Microsoft.Extensions.Options;

namespace BorderWatch.Server.Security;

/// <summary>
/// The keyring as configured now, rebuilt whenever the configuration changes (a keys file edited, a secret
/// remounted), so that a revoked key is refused without a restart. A change that does not make a valid keyring is
/// logged and the keyring before it stays: a typo never opens or closes the door by itself.
/// </summary>
public sealed class KeyringSource : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile Keyring _current;

    /// <param name="initial">The keys checked at start-up, kept should the configuration have changed into something invalid since.</param>
    public KeyringSource(Keyring initial, IOptionsMonitor<AuthOptions> options, ILogger<KeyringSource> log)
    {
        _current = initial;
        void Read(AuthOptions changed)
        {
            try
            {
                _current = new Keyring(changed.Keys);
                log.LogInformation("API keys read: {Count} keys", _current.Holders.Count());
                Changed?.Invoke(_current);
            }
            catch (SecurityConfigurationException e)
            {
                log.LogError("The changed API keys are refused and the keys before them stay: {Problem}", e.Message);
            }
        }
        _subscription = options.OnChange(Read);
        Read(options.CurrentValue); // a change between start-up and the first request
    }

    public Keyring Current => _current;

    /// <summary>Raised after the keyring changed, with the new one.</summary>
    public event Action<Keyring>? Changed;

    public void Dispose() => _subscription?.Dispose();
}
