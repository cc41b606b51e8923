using BorderWatch.Grains.Counting;

namespace BorderWatch.Tests.Unit;

public sealed class IdIndexTests
{
    [Fact]
    public void Every_id_added_is_found_with_its_holder_across_merges_and_others_are_not()
    {
        var index = new IdIndex();
        var random = new Random(7);
        var added = new Dictionary<ulong, ushort>();
        for (var i = 0; i < 200_000; i++)
        {
            var hash = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            if (!added.TryAdd(hash, (ushort)(i % 46))) continue;
            index.Add(hash, (ushort)(i % 46), 19_000);
        }
        Assert.Equal(added.Count, index.Count);
        foreach (var (hash, member) in added)
        {
            Assert.True(index.TryGet(hash, out var held));
            Assert.Equal(member, held);
        }
        var absent = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var hash = (ulong)random.NextInt64();
            if (!added.ContainsKey(hash) && !index.TryGet(hash, out _)) absent++;
        }
        Assert.Equal(10_000, absent);
        Assert.False(index.TryGet(0, out _));
        Assert.False(index.TryGet(ulong.MaxValue, out _));
    }

    [Fact]
    public void Ids_behind_the_window_are_forgotten_and_those_in_it_kept()
    {
        var index = new IdIndex();
        for (ulong i = 1; i <= 10_000; i++) index.Add(Spread(i), 1, (ushort)(20_000 + (int)(i % 40)));
        index.Prune([0, 20_009]); // member 1 remembers days 20,009..20,039
        Assert.Equal(10_000 * 31 / 40, index.Count);
        Assert.True(index.TryGet(Spread(9), out _));   // day 20,009
        Assert.False(index.TryGet(Spread(8), out _));  // day 20,008
    }

    [Fact]
    public void Memory_held_shrinks_when_most_ids_are_forgotten()
    {
        var index = new IdIndex();
        for (ulong i = 1; i <= 200_000; i++) index.Add(Spread(i), 1, (ushort)(20_000 + (i <= 190_000 ? 0 : 5)));
        var before = index.Bytes;
        index.Prune([0, 20_001]);
        Assert.Equal(10_000, index.Count);
        Assert.InRange(index.Bytes, 0, before / 10);
        Assert.True(index.TryGet(Spread(200_000), out _));
        for (ulong i = 200_001; i <= 210_000; i++) index.Add(Spread(i), 1, 20_006);
        Assert.Equal(20_000, index.Count);
        Assert.True(index.TryGet(Spread(190_001), out _));
        Assert.True(index.TryGet(Spread(210_000), out _));
    }

    private static ulong Spread(ulong i) => unchecked(i * 0x9E3779B97F4A7C15UL);

    [Fact]
    public void Days_are_compared_across_the_wrap_of_their_sixteen_bits()
    {
        var index = new IdIndex();
        index.Add(1, 0, 65_530);
        index.Add(2, 0, 3);
        index.Prune([unchecked((ushort)(5 - 10))]); // day 5 of the next cycle, ten days back: 65,530 is behind, 3 is not
        Assert.False(index.TryGet(1, out _));
        Assert.True(index.TryGet(2, out _));
    }

    [Fact]
    public void A_million_ids_take_at_most_sixteen_bytes_each()
    {
        var index = new IdIndex();
        for (var i = 0; i < 1_000_000; i++) index.Add(IdIndex.Hash($"det-{i}"), (ushort)(i % 46), 20_000);
        Assert.Equal(1_000_000, index.Count);
        Assert.InRange(index.Bytes / 1_000_000.0, 12, 16);
        Assert.True(index.TryGet(IdIndex.Hash("det-123456"), out var member));
        Assert.Equal(123_456 % 46, member);
    }
}
