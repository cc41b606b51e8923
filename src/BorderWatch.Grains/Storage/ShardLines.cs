using System.Buffers.Text;
using System.Text;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// The lines of a journal shard. A member's records follow a header naming it (<c>@m {member}</c>), each record one
/// JSON line as it was accepted; a saved state is one line that says how long it is (<c>@v {member} {length}
/// {base64}</c>), so that a line cut by a failed write is never taken for a state. Member ids are escaped so that
/// they hold no space or line end.
/// </summary>
public static class ShardLines
{
    public enum Kind { Header, Record, State, Other }

    // The longest length field: ten digits and a space.
    private const int LengthField = 11;

    /// <summary>How many bytes an entry takes at most: a header and the records, or a state line.</summary>
    public static int Size(string escaped, int bytes, bool isState) =>
        escaped.Length + 4 + (isState ? LengthField + Base64.GetMaxEncodedToUtf8Length(bytes) + 1 : bytes);

    /// <summary>Writes an entry: returns its length and, for a state, where in it the base64 starts and how long it is.</summary>
    public static (int Length, int StateAt, int StateLength) Write(Span<byte> to, string escaped, ReadOnlySpan<byte> bytes, bool isState)
    {
        to[0] = (byte)'@';
        to[1] = isState ? (byte)'v' : (byte)'m';
        to[2] = (byte)' ';
        Encoding.ASCII.GetBytes(escaped, to[3..]);
        var at = 3 + escaped.Length;
        if (!isState)
        {
            to[at] = (byte)'\n';
            bytes.CopyTo(to[(at + 1)..]);
            return (at + 1 + bytes.Length, 0, 0);
        }
        to[at++] = (byte)' ';
        var encoded = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        Utf8Formatter.TryFormat(encoded, to[at..], out var digits);
        at += digits;
        to[at++] = (byte)' ';
        Base64.EncodeToUtf8(bytes, to[at..], out _, out var written);
        to[at + written] = (byte)'\n';
        return (at + written + 1, at, written);
    }

    /// <summary>What <see cref="Walk"/> tells of each line: its kind, the member it belongs to, where it lies in the bytes and, for a state, where its base64 lies in it.</summary>
    public delegate void Visitor(Kind kind, string? member, int start, int length, Range state);

    /// <summary>
    /// Goes through the whole lines of journal bytes from a line start, telling each record which member's it is;
    /// returns where the last whole line ends (a line still being written, or cut by a failed write, is left out).
    /// </summary>
    public static int Walk(byte[] bytes, Visitor visit)
    {
        var usable = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
        string? member = null;
        for (var start = 0; start < usable;)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start, usable - start);
            var kind = Read(bytes.AsSpan(start, end - start), out var named, out var state);
            // A record belongs to the header before it; a state line, or a line torn by a failed write, ends a member's run.
            member = kind switch { Kind.Header => named, Kind.Record => member, _ => null };
            if (kind != Kind.Record || member is not null) visit(kind, kind == Kind.Record ? member : named, start, end - start, state);
            start = end + 1;
        }
        return usable;
    }

    public static string Escape(string member) => Uri.EscapeDataString(member);

    /// <summary>What a line (without its '\n') is, and for a header or state line, the member it names.</summary>
    public static Kind Read(ReadOnlySpan<byte> line, out string? member) => Read(line, out member, out _);

    /// <summary>As <see cref="Read(ReadOnlySpan{byte}, out string?)"/>, and for a state line where its base64 lies in the line.</summary>
    public static Kind Read(ReadOnlySpan<byte> line, out string? member, out Range state)
    {
        (member, state) = (null, default);
        if (line.Length > 0 && line[0] == (byte)'{') return Kind.Record;
        if (line.Length < 4 || line[0] != (byte)'@' || line[2] != (byte)' ') return Kind.Other;
        var rest = line[3..];
        var space = rest.IndexOf((byte)' ');
        member = Uri.UnescapeDataString(Encoding.UTF8.GetString(space < 0 ? rest : rest[..space]));
        switch (line[1])
        {
            case (byte)'m' when space < 0:
                return Kind.Header;
            case (byte)'v' when space > 0:
            {
                var after = rest[(space + 1)..];
                var gap = after.IndexOf((byte)' ');
                var start = 3 + space + 1 + gap + 1;
                if (gap <= 0 || !Utf8Parser.TryParse(after[..gap], out int length, out var used) || used != gap || line.Length - start != length)
                    return Kind.Other; // cut short by a failed write
                state = start..line.Length;
                return Kind.State;
            }
            case (byte)'s' when space > 0:
                // Written before states said their length: taken as they are.
                state = (3 + space + 1)..line.Length;
                return Kind.State;
            default:
                return Kind.Other;
        }
    }
}
