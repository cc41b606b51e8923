using System.CommandLine;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Cli;

/// <summary>--url and --api-key, which every command that talks to a server takes.</summary>
public sealed class ServerOptions
{
    public Option<string> Url { get; } = new("--url")
    {
        Description = "The BorderWatch server",
        DefaultValueFactory = _ => "http://127.0.0.1:5080",
    };

    public ServerOptions()
    {
        Url.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                result.AddError("--url must be an http or https address, such as http://127.0.0.1:5080");
        });
    }

    public Uri Address(ParseResult result) => new(result.GetValue(Url)!);

    public Option<string> ApiKey { get; } = new("--api-key")
    {
        Description = "Sent as X-Api-Key where the server needs one (default: the BORDERWATCH_API_KEY variable)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(ApiKey);
    }

    public string? Key(ParseResult result) => result.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("BORDERWATCH_API_KEY");

    public HttpClient CreateClient(ParseResult result, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = Address(result), Timeout = timeout };
        if (Key(result) is { Length: > 0 } key) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    /// <summary>A connection to the live hub with the same key (as access_token, as browsers send it).</summary>
    public IHubConnectionBuilder Hub(ParseResult result)
    {
        var key = Key(result);
        return new HubConnectionBuilder().WithUrl(new Uri(Address(result), "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult(key));
    }
}
