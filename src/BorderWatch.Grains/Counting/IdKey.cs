using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BorderWatch.Grains.Counting;

/// <summary>
/// A detection id as its 128-bit XxHash: sixteen bytes and no string to keep, so a sector can remember millions
/// of ids for deduplication cheaply (the garbage collector has nothing to trace in them). Two different ids
/// sharing a hash would take some 10^19 ids to become likely.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.IdKey")]
public readonly record struct IdKey([property: Id(0)] ulong High, [property: Id(1)] ulong Low)
{
    public static IdKey Of(string id)
    {
        var hash = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(id.AsSpan()));
        return new IdKey((ulong)(hash >> 64), (ulong)hash);
    }

    public bool Equals(IdKey other) => High == other.High && Low == other.Low;

    public override int GetHashCode() => (int)Low;
}
