using System.Text;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// The lines of a journal shard. A member's records follow a header naming it (<c>@m {member}</c>), each record one
/// JSON line as it was accepted; a saved state is one line (<c>@s {member} {base64}</c>). Member ids are escaped so
/// that they hold no space or line end.
/// </summary>
public static class ShardLines
{
    public enum Kind { Header, Record, State, Other }

    public static byte[] Records(string member, ReadOnlySpan<byte> lines) => [.. Encoding.UTF8.GetBytes($"@m {Uri.EscapeDataString(member)}\n"), .. lines];

    /// <summary>A state line, and where in it the state's base64 starts.</summary>
    public static (byte[] Line, int StateAt) State(string member, byte[] state)
    {
        var head = $"@s {Uri.EscapeDataString(member)} ";
        return (Encoding.UTF8.GetBytes(head + Convert.ToBase64String(state) + "\n"), head.Length);
    }

    /// <summary>What a line (without its '\n') is, and for a header or state line, the member it names.</summary>
    public static Kind Read(ReadOnlySpan<byte> line, out string? member)
    {
        member = null;
        if (line.Length > 0 && line[0] == (byte)'{') return Kind.Record;
        if (line.Length < 4 || line[0] != (byte)'@' || line[2] != (byte)' ') return Kind.Other;
        var rest = line[3..];
        var space = rest.IndexOf((byte)' ');
        member = Uri.UnescapeDataString(Encoding.UTF8.GetString(space < 0 ? rest : rest[..space]));
        return line[1] switch
        {
            (byte)'m' => Kind.Header,
            (byte)'s' when space > 0 => Kind.State,
            _ => Kind.Other,
        };
    }
}
