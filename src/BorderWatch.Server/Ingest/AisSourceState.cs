namespace BorderWatch.Server.Ingest;

/// <summary>
/// One source as GET /api/ais/sources shows it: whether it is connected (a UDP source: listening) and since when,
/// how many times it connected, what it read and what came of it, errors by kind, and its last message.
/// </summary>
public sealed record AisSourceStatus(
    string Name, string Kind, string Endpoint, string Scenario, bool Connected, DateTimeOffset? Since, int Connections,
    long Sentences, double SentencesPerSecond, long Messages, long Accepted, long Duplicates,
    IReadOnlyDictionary<string, long> Errors, DateTimeOffset? LastMessage, string? LastError);

/// <summary>What a source's loop has done so far; read by the status endpoint while the loop writes it.</summary>
internal sealed class AisSourceState(AisSourceOptions options)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _errors = [];
    // Sentences taken, with when: the last ten seconds of them give the rate.
    private readonly Queue<(DateTimeOffset At, int Sentences)> _recent = new();
    private long _sentences, _messages, _accepted, _duplicates, _incomplete;
    private int _connections, _line;
    private bool _connected;
    private DateTimeOffset? _since, _lastMessage;
    private string? _lastError;

    public AisSourceOptions Options => options;
    public string Name => options.Label;

    /// <summary>Line numbers run on over the source's life, so that an error can be told apart from the one before.</summary>
    public int NextLine() => Interlocked.Increment(ref _line);

    public void Connected(DateTimeOffset now)
    {
        lock (_gate) (_connected, _since, _connections) = (true, now, _connections + 1);
    }

    public void Disconnected(string why, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_connected) _since = now;
            (_connected, _lastError) = (false, why);
        }
    }

    public void Error(string kind, string message)
    {
        lock (_gate)
        {
            _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
            _lastError = message;
        }
    }

    /// <summary>A batch made durable, and the reader's running count of messages whose parts never all came.</summary>
    public void Took(AisResult result, long incomplete, DateTimeOffset now)
    {
        lock (_gate)
        {
            (_sentences, _messages, _accepted, _duplicates) = (_sentences + result.Sentences, _messages + result.Messages,
                _accepted + result.Accepted, _duplicates + result.Duplicates);
            if (result.Messages > 0) _lastMessage = now;
            _recent.Enqueue((now, result.Sentences));
            foreach (var rejected in result.Rejected)
            {
                var kind = KindOf(rejected.Error);
                _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
                _lastError = $"line {rejected.Line}: {rejected.Error}";
            }
            if (incomplete > _incomplete) _errors["incomplete"] = _errors.GetValueOrDefault("incomplete") + incomplete - _incomplete;
            _incomplete = incomplete;
        }
    }

    /// <summary>An error's kind is what it says before its first colon ("checksum", "payload", "asset"...), else all of it.</summary>
    public static string KindOf(string error) => error.IndexOf(':') is var colon and > 0 ? error[..colon] : error;

    public AisSourceStatus Status(DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_recent.Count > 0 && now - _recent.Peek().At > RateWindow) _recent.Dequeue();
            var rate = _recent.Sum(r => r.Sentences) / RateWindow.TotalSeconds;
            return new AisSourceStatus(Name, options.Tcp is not null ? "tcp" : "udp", options.Tcp ?? options.Udp!, options.Scenario, _connected, _since,
                _connections, _sentences, Math.Round(rate, 1), _messages, _accepted, _duplicates, new Dictionary<string, long>(_errors), _lastMessage, _lastError);
        }
    }
}
