namespace BorderWatch.Tests.Infrastructure;

/// <summary>Waiting on a condition, not a sleep: polls until it holds, fails the test after the timeout.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Within {seconds} s: {what}");
            await Task.Delay(100);
        }
    }
}
