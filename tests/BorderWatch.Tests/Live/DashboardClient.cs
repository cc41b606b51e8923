using BorderWatch.Tests.Infrastructure;
using BorderWatch.Contracts;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BorderWatch.Tests.Live;

/// <summary>A .NET dashboard: connects to /hubs/live over a real WebSocket and keeps the latest of everything it was sent.</summary>
public sealed class DashboardClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DashboardClient(Uri server, string key)
    {
        // The hub sends enums as camelCase strings ("firing"), as the page reads them.
        _connection = new HubConnectionBuilder().WithUrl(new Uri(server, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)))
            .Build();
        _connection.On<DashboardSnapshot>(nameof(IDashboardClient.Snapshot), s => Update(() =>
        {
            Snapshot = s;
            foreach (var x in s.Sectors) Sectors[x.Id] = x;
            foreach (var x in s.Routes) Routes[x.Id] = x;
            foreach (var x in s.Assets) Assets[x.Asset] = x;
            Alerts = s.Alerts;
            Detections.AddRange(s.Detections);
        }));
        _connection.On<DashboardSnapshot>(nameof(IDashboardClient.Picture), p => Update(() => Pictures.Add(p)));
        _connection.On<DashboardChanges>(nameof(IDashboardClient.Changed), c => Update(() =>
        {
            if (c.Alerts is not null) Alerts = c.Alerts;
            foreach (var x in c.Sectors) Sectors[x.Id] = x;
            foreach (var x in c.Routes) Routes[x.Id] = x;
            foreach (var x in c.Assets) Assets[x.Asset] = x;
            Detections.AddRange(c.Detections);
            Messages.Add((DateTime.UtcNow, c));
        }));
    }

    public DashboardSnapshot? Snapshot { get; private set; }
    public Dictionary<string, CountsUpdate> Sectors { get; } = [];
    public Dictionary<string, CountsUpdate> Routes { get; } = [];
    public Dictionary<string, AssetUpdate> Assets { get; } = [];
    /// <summary>Every change message after the snapshot, with when it came.</summary>
    public List<(DateTime At, DashboardChanges Changes)> Messages { get; } = [];

    /// <summary>Every playback picture sent, in order.</summary>
    public List<DashboardSnapshot> Pictures { get; } = [];

    /// <summary>Every detection sent, in the snapshot and after it, in the order sent.</summary>
    public List<DetectionUpdate> Detections { get; } = [];
    public AlertsUpdate? Alerts { get; private set; }

    /// <summary>Connects and subscribes; returns once the snapshot is in.</summary>
    public static async Task<DashboardClient> SubscribeAsync(Uri server, Subscription subscription, string key = TestKeys.Operator)
    {
        var client = new DashboardClient(server, key);
        try
        {
            await client._connection.StartAsync();
            await client.SubscribeAsync(subscription);
            await client.WaitUntilAsync(c => c.Snapshot is not null, TimeSpan.FromSeconds(30));
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Subscribes again on the same connection (the hub's answer, not the snapshot, is awaited).</summary>
    public Task SubscribeAsync(Subscription subscription) => _connection.InvokeAsync("Subscribe", subscription);

    public HubConnectionState State => _connection.State;

    public Task InvokeAsync(string method, params object[] args) => _connection.InvokeCoreAsync(method, args);

    /// <summary>Waits until what the client was sent satisfies <paramref name="condition"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<DashboardClient, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(this)) return;
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("The dashboard was not sent what the test waited for.");
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    /// <summary>Reads the client's state consistently with the message handlers.</summary>
    public T Read<T>(Func<DashboardClient, T> read)
    {
        lock (_gate) return read(this);
    }

    private void Update(Action apply)
    {
        lock (_gate)
        {
            apply();
            _changed.TrySetResult();
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
