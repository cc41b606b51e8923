using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Security;

/// <summary>
/// What the container files promise, read from them: this machine has no Docker engine to run them, so the
/// promises a user would check first are checked in the text.
/// </summary>
public sealed class DeploymentFileTests
{
    [Fact]
    public void The_image_runs_as_a_user_that_is_not_root()
    {
        var lines = File.ReadAllLines(Path.Combine(Paths.Root, "Dockerfile"));
        var lastStage = Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase));
        var user = lines.Skip(lastStage).LastOrDefault(l => l.StartsWith("USER ", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(user);
        var who = user["USER ".Length..].Trim();
        var value = who.StartsWith('$') ? lines.Skip(lastStage).Single(l => l.StartsWith($"ARG {who.TrimStart('$')}=")).Split('=')[1] : who;
        Assert.DoesNotContain(value, new[] { "root", "0" });
    }

    [Fact]
    public void Compose_runs_no_demo_whose_alerts_would_reach_real_webhooks()
    {
        var compose = File.ReadAllText(Path.Combine(Paths.Root, "docker-compose.yml"));
        Assert.Contains("BorderWatch__Demo__Enabled: \"false\"", compose);
        Assert.DoesNotContain("BorderWatch__Demo__Enabled: \"true\"", compose);
    }
}
