using BorderWatch.Contracts;
using BorderWatch.Grains.Counting;

namespace BorderWatch.Server.Apis;

/// <summary>Query parameters shared by the endpoints: the scenario, and a series' window and bucket size.</summary>
public static class ScenarioQuery
{
    public const int MaxPoints = 10_000;

    /// <summary>The scenario named by the query (default <c>live</c>), or a problem naming the parameter.</summary>
    public static IResult? Validate(string? scenario, out string name)
    {
        name = string.IsNullOrEmpty(scenario) ? Scenarios.Live : scenario;
        return Scenarios.ValidName().IsMatch(name)
            ? null
            : Problems.BadRequest("scenario", "A scenario name is 1-63 lower-case letters, digits and hyphens, starting with a letter or digit.");
    }

    /// <summary>Reads bucket, from and to; by default the last day (hours), hour (minutes) or 30 days (days) on the scenario clock.</summary>
    public static IResult? Window(string? bucket, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset clock,
        out (BucketSize Bucket, DateTimeOffset From, DateTimeOffset To) window)
    {
        window = default;
        if (!Enum.TryParse<BucketSize>(bucket ?? "hour", ignoreCase: true, out var size) || !Enum.IsDefined(size) || int.TryParse(bucket, out _))
            return Problems.BadRequest("bucket", "bucket is minute, hour or day.");
        var end = to ?? Buckets.Start(size, Buckets.Index(size, clock) + 1);
        var start = from ?? end - size switch { BucketSize.Minute => TimeSpan.FromHours(1), BucketSize.Hour => TimeSpan.FromDays(1), _ => TimeSpan.FromDays(30) };
        if (start >= end) return Problems.BadRequest("from", "from must be before to.");
        if (Buckets.Count(size, start, end) > MaxPoints)
            return Problems.BadRequest("bucket", $"That window holds more than {MaxPoints} {size.ToString().ToLowerInvariant()} buckets; use a larger bucket or a shorter window.");
        window = (size, start.ToUniversalTime(), end.ToUniversalTime());
        return null;
    }
}
