namespace BorderWatch.Grains.Live;

/// <summary>Bounds a list of events to its newest: what each stage of the events layer keeps under a flood.</summary>
public static class Newest
{
    public static void Keep<T>(List<T> list, int most, Func<T, DateTimeOffset> time)
    {
        if (list.Count <= most) return;
        list.Sort((a, b) => time(b).CompareTo(time(a)));
        list.RemoveRange(most, list.Count - most);
    }
}
