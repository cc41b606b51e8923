using BorderWatch.Detectors;

namespace BorderWatch.Grains.Alerting;

/// <summary>Configuration section BorderWatch:Alerts.</summary>
public sealed class AlertOptions
{
    public const string Section = "BorderWatch:Alerts";

    /// <summary>The rules, <see cref="AlertRule.Defaults"/> unless configured.</summary>
    public List<AlertRule> Rules { get; set; } = AlertRule.Defaults();

    /// <summary>The impact level an active alert of a severity gives its sector (at least; operators may set any).</summary>
    public Dictionary<string, string> Impact { get; set; } = new() { ["warning"] = "medium", ["major"] = "high" };

    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>
    /// How long, in event time behind the book's newest alert, a resolved alert and an ended silence stay in the
    /// book: it is written whole, so it must not grow with history. Never less than the deduplication window plus
    /// the 60 days of hour buckets that are judged again, so a late record cannot raise a pruned alert anew.
    /// </summary>
    public TimeSpan KeepResolved { get; set; } = TimeSpan.FromDays(120);

    /// <summary>Least time between two evaluations of a scenario: changes in between are taken together.</summary>
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What is wrong with the webhooks' settings, each naming the setting: the server does not start with any.</summary>
    public IEnumerable<string> WebhookProblems()
    {
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var (hook, at) = (Webhooks[i], $"{Section}:Webhooks:{i}");
            if (string.IsNullOrWhiteSpace(hook.Name)) yield return $"{at}:Name is missing: alerts and dashboards show a webhook by its name, never its URL.";
            else if (Webhooks.Take(i).Any(h => h.Name == hook.Name)) yield return $"{at}:Name '{hook.Name}' is used twice.";
            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
                yield return $"{at}:Url of '{hook.Name}' is not an http(s) address.";
            if (hook.Secret.Length < 16) yield return $"{at}:Secret of '{hook.Name}' is shorter than 16 characters: every body is signed with it.";
            if (hook.Attempts is < 2 or > 20) yield return $"{at}:Attempts of '{hook.Name}' is {hook.Attempts}; it is 2 to 20.";
            if (hook.Concurrency is < 1 or > 64) yield return $"{at}:Concurrency of '{hook.Name}' is {hook.Concurrency}; it is 1 to 64.";
        }
    }

    public AlertRule? RuleFor(string target, string id, BucketSize bucket) => AlertRule.Choose(Rules, target, id, bucket);
}

/// <summary>
/// One receiver of alert notices. Its name is what alerts, dashboards and bodies show (the URL, a secret for Slack
/// or Teams, is shown to no one); its secret signs every body; it hears the scenarios listed (live by default,
/// "*" for all), through its own outbox and senders, so that a dead receiver holds up no other.
/// </summary>
public sealed class WebhookOptions
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public List<string> Scenarios { get; set; } = [];
    /// <summary>Notices sent at once, per silo.</summary>
    public int Concurrency { get; set; } = 2;
    /// <summary>Tries before a notice is dead-lettered (at least 2), the first retry after FirstRetry, each next one after twice as long.</summary>
    public int Attempts { get; set; } = 5;
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long one try may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Covers(string scenario) => Scenarios.Count == 0 ? scenario == BorderWatch.Contracts.Scenarios.Live : Scenarios.Contains("*") || Scenarios.Contains(scenario);

    /// <summary>The longest a notice's tries take, backoff included: a sender holds a notice that long before another may take it.</summary>
    public TimeSpan AllTries => Attempts * Timeout + FirstRetry * (Math.Pow(2, Attempts - 1) - 1) * 1.5 + TimeSpan.FromSeconds(5);
}
