using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace BorderWatch.Server.Security;

/// <summary>
/// Open hub connections by the API key they were opened with. When the keys change, a connection whose key is gone,
/// or now grants other rights, is closed; its dashboard may reconnect with a valid key. Bearer tokens need none of
/// this: SignalR closes a connection when its token expires.
/// </summary>
public sealed class KeyedConnections
{
    private readonly ConcurrentDictionary<string, (HubCallerContext Connection, byte[] Digest, Keyring.Holder Holder)> _open = new();

    private readonly KeyringSource _keys;

    public KeyedConnections(KeyringSource keys)
    {
        _keys = keys;
        keys.Changed += CloseRevoked;
    }

    public void Opened(HubCallerContext connection)
    {
        if (connection.User?.FindFirst(ApiKeyHandler.DigestClaim)?.Value is not { } hex) return;
        var digest = Convert.FromHexString(hex);
        if (_keys.Current.Find(digest) is { } holder) _open[connection.ConnectionId] = (connection, digest, holder);
        else connection.Abort(); // revoked while it connected
    }

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    private void CloseRevoked(Keyring keyring)
    {
        foreach (var (id, (connection, digest, holder)) in _open)
        {
            if (keyring.Find(digest) is { } now && now.SameRights(holder)) continue;
            _open.TryRemove(id, out _);
            connection.Abort();
        }
    }
}
