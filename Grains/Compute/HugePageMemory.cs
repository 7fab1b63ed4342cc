using System.Buffers;
using System.Runtime.InteropServices;

namespace Unlearning.Compute;

/// <summary>
/// Doubles outside the managed heap for a large fit buffer, backed on Linux by transparent huge pages where the kernel
/// grants them and faulted in up front. A fit buffer is fresh memory each time a shard refits after idling; touched 4 KiB
/// at a time, its page faults cost more than the fit's copy of its rows (about 3 ms per MiB on the benchmark machine, a
/// virtual machine), where 2 MiB pages made ready in one call cost 0.1-1.7 ms per MiB there (the upper figure the first
/// time). Unmapped when disposed, so a silo at rest holds none of it; the owner clears it first.
/// </summary>
internal sealed unsafe class HugePageMemory : MemoryManager<double>
{
    private const nuint HugePage = 2 << 20;

    /// <summary>What was allocated: a mapping of <see cref="_mappedBytes"/> on Linux, else native memory (0 bytes mapped).</summary>
    private readonly void* _mapping;
    private readonly nuint _mappedBytes;
    /// <summary>The first double: 2 MiB-aligned inside the mapping on Linux, else the allocation itself.</summary>
    private readonly double* _start;
    private bool _released;

    private HugePageMemory(void* mapping, nuint mappedBytes, double* start, int length)
    {
        _mapping = mapping;
        _mappedBytes = mappedBytes;
        _start = start;
        Length = length;
    }

    public int Length { get; }

    /// <summary>Zeroed memory for <paramref name="length"/> doubles.</summary>
    public static HugePageMemory Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var bytes = (nuint)length * sizeof(double);
        if (!OperatingSystem.IsLinux())
        {
            var allocated = NativeMemory.AllocZeroed(bytes);
            return new HugePageMemory(allocated, 0, (double*)allocated, length);
        }

        // One huge page more than asked, so that a 2 MiB-aligned range of the full length fits inside the mapping.
        var mappedBytes = bytes + HugePage;
        var mapping = Mmap(null, mappedBytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (mapping == MapFailed) throw new OutOfMemoryException($"could not map {mappedBytes} bytes for a fit buffer");
        var start = (byte*)(((nuint)mapping + HugePage - 1) & ~(HugePage - 1));
        // Both are hints: a kernel without transparent huge pages (or set to never) falls back to 4 KiB pages, and one
        // older than 5.14 faults the pages in as the copy writes them.
        _ = Madvise(start, bytes, MadvHugePage);
        _ = Madvise(start, bytes, MadvPopulateWrite);
        return new HugePageMemory(mapping, mappedBytes, (double*)start, length);
    }

    public override Span<double> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_released, this);
        return new Span<double>(_start, Length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_released, this);
        return new MemoryHandle(_start + elementIndex);
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (_released) return;
        _released = true;
        if (_mappedBytes == 0) NativeMemory.Free(_mapping);
        else _ = Munmap(_mapping, _mappedBytes);
    }

    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 0x02, MapAnonymous = 0x20;
    private const int MadvHugePage = 14, MadvPopulateWrite = 23;
    private static readonly void* MapFailed = (void*)-1;

    [DllImport("libc", EntryPoint = "mmap")]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, int descriptor, nint offset);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(void* address, nuint length);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(void* address, nuint length, int advice);
}
