using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BorderWatch.Grains.Counting;

/// <summary>
/// The detection ids a scenario remembers for deduplication, each as a 64-bit hash with the member (sector) that
/// holds it and its event day: 12 bytes an id in one sorted sequence, plus a small set of recent ones merged into it
/// now and then, so that memory stays near 13-16 bytes an id whatever the count. The sequence is held in fixed
/// chunks under the large object heap's threshold: growing it adds chunks and copies nothing, where one array would
/// need its old and new copies at once (tens of millions of ids: twice a gigabyte) and leave the old one as garbage. Two different ids sharing a hash
/// would take some 4 x 10^9 ids to become likely; a million ids make it a chance in 10^7.
/// </summary>
public sealed class IdIndex
{
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Entry
    {
        public ulong Hash;
        public ushort Member;
        public ushort Day;
    }

    private const int MinMerge = 4096;
    private const int ChunkBits = 12, ChunkSize = 1 << ChunkBits; // 48 KB a chunk

    private readonly List<Entry[]> _chunks = [];
    private int _count;
    private readonly Dictionary<ulong, (ushort Member, ushort Day)> _recent = [];
    // Where each hash prefix starts in the sequence: a binary search then covers a few dozen entries, not millions.
    private int[] _starts = [0, 0];
    private int _prefixShift = 64;

    public int Count => _count + _recent.Count;

    /// <summary>The bytes the index holds: its arrays and the recent set.</summary>
    public long Bytes => _chunks.Count * ChunkSize * 12L + _starts.Length * 4L + _recent.Count * 24L;

    private ref Entry At(int i) => ref _chunks[i >> ChunkBits][i & (ChunkSize - 1)];

    public static ulong Hash(string id) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));

    /// <summary>Days since 1970, kept modulo 2^16: only distances within a window shorter than 179 years are compared.</summary>
    public static ushort DayOf(DateTimeOffset time) => (ushort)Buckets.Index(BucketSize.Day, time);

    public bool TryGet(ulong hash, out ushort member)
    {
        if (_recent.TryGetValue(hash, out var recent))
        {
            member = recent.Member;
            return true;
        }
        var prefix = _prefixShift == 64 ? 0 : (int)(hash >> _prefixShift);
        int lo = _starts[prefix], hi = _starts[prefix + 1] - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            ref var entry = ref At(mid);
            if (entry.Hash == hash)
            {
                member = entry.Member;
                return true;
            }
            if (entry.Hash < hash) lo = mid + 1;
            else hi = mid - 1;
        }
        member = 0;
        return false;
    }

    /// <summary>Remembers an id that is not in the index yet.</summary>
    public void Add(ulong hash, ushort member, ushort day)
    {
        _recent[hash] = (member, day);
        if (_recent.Count >= Math.Max(MinMerge, _count / 32)) Merge();
    }

    /// <summary>Forgets the ids whose event day lies before the first day their member still remembers.</summary>
    public void Prune(ushort[] firstDayOf)
    {
        // Days wrap at 2^16: "before" is within half the circle behind.
        bool Old(ushort member, ushort day) => member < firstDayOf.Length && (short)(day - firstDayOf[member]) < 0;
        foreach (var (hash, (member, day)) in _recent)
        {
            if (Old(member, day)) _recent.Remove(hash);
        }
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var entry = At(i);
            if (!Old(entry.Member, entry.Day)) At(kept++) = entry;
        }
        if (kept == _count) return;
        _count = kept;
        var needed = (_count + ChunkSize - 1) >> ChunkBits;
        _chunks.RemoveRange(needed, _chunks.Count - needed);
        Index();
    }

    /// <summary>Moves the recent ids into the sorted sequence, merging from the back so that nothing is copied twice.</summary>
    private void Merge()
    {
        var n = _recent.Count;
        var recent = ArrayPool<Entry>.Shared.Rent(n);
        try
        {
            var k = 0;
            foreach (var (hash, (member, day)) in _recent) recent[k++] = new Entry { Hash = hash, Member = member, Day = day };
            _recent.Clear();
            recent.AsSpan(0, n).Sort(static (a, b) => a.Hash.CompareTo(b.Hash));
            var total = _count + n;
            while (_chunks.Count * ChunkSize < total) _chunks.Add(new Entry[ChunkSize]);
            int i = _count - 1, j = n - 1;
            for (k = total - 1; j >= 0; k--)
            {
                At(k) = i >= 0 && At(i).Hash > recent[j].Hash ? At(i--) : recent[j--];
            }
            _count = total;
        }
        finally
        {
            ArrayPool<Entry>.Shared.Return(recent);
        }
        Index();
    }

    private void Index()
    {
        // About 16 entries a prefix.
        var bits = Math.Clamp((int)Math.Log2(Math.Max(1, _count / 16)), 0, 20);
        _prefixShift = bits == 0 ? 64 : 64 - bits;
        var starts = _starts.Length == (1 << bits) + 1 ? _starts : new int[(1 << bits) + 1];
        var at = 0;
        for (var p = 0; p < starts.Length - 1; p++)
        {
            starts[p] = at;
            while (at < _count && (bits == 0 || (int)(At(at).Hash >> _prefixShift) == p)) at++;
        }
        starts[^1] = _count;
        _starts = starts;
    }
}
