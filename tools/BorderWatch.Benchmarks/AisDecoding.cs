using BenchmarkDotNet.Attributes;
using BorderWatch.Ais;

namespace BorderWatch.Benchmarks;

/// <summary>One AIS sentence per operation through the reader: checksum, tag block, armouring, fields.</summary>
[MemoryDiagnoser]
public class AisDecoding
{
    private readonly AisReader _reader = new(TimeSpan.FromSeconds(10));
    private readonly DateTimeOffset _now = DateTimeOffset.UnixEpoch;

    /// <summary>A class A position report, no tag block (issue target: at least 1,000,000 a second on one core, no allocation).</summary>
    [Benchmark]
    public PositionReport ClassAPosition() => _reader.Read("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", _now).Message.Position;

    /// <summary>The same with a receiver's tag block, as Kystverket's feed sends it.</summary>
    [Benchmark]
    public PositionReport TaggedPosition() => _reader.Read(@"\c:1565218798*53\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D", _now).Message.Position;
}
