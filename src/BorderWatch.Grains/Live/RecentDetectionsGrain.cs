using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Live;

/// <summary>
/// A scenario's newest detections, for the dashboards' events layer. Silos send what they published each round;
/// this keeps the last 24 hours before the newest, at most <see cref="LiveOptions.RecentDetections"/>.
/// </summary>
[CollectionAgeLimit(Days = 1)]
public sealed class RecentDetectionsGrain(IOptions<LiveOptions> options) : Grain, IRecentDetectionsGrain
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private static readonly Comparer<Detection> NewestFirst = Comparer<Detection>.Create((a, b) =>
    {
        var byTime = b.Time.CompareTo(a.Time);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    });

    private readonly SortedSet<Detection> _recent = new(NewestFirst);

    public Task AddAsync(Detection[] detections)
    {
        var keep = options.Value.RecentDetections;
        foreach (var detection in detections) _recent.Add(detection);
        if (_recent.Count == 0) return Task.CompletedTask;
        var oldest = _recent.Min!.Time - Window;
        while (_recent.Count > 0 && (_recent.Count > keep || _recent.Max!.Time < oldest)) _recent.Remove(_recent.Max!);
        return Task.CompletedTask;
    }

    public Task<Detection[]> GetAsync(DateTimeOffset since) => Task.FromResult(_recent.TakeWhile(d => d.Time >= since).ToArray());

    public Task ClearAsync()
    {
        _recent.Clear();
        return Task.CompletedTask;
    }
}
