using System.Buffers;

namespace Unlearning.Compute;

/// <summary>
/// A fit's own copy of its rows, cleared when the fit is done: no copy of a record may linger in memory after its
/// forget. Small copies are borrowed from the shared pool. A large one is native memory on huge pages
/// (<see cref="HugePageMemory"/>), kept by its compute thread for the next fit of the same burst (a train fits every
/// slice of every shard back to back) and unmapped when the thread runs out of work: a pool would keep it per thread
/// and size long after, memory the size of the largest shards' rows held by a silo at rest.
/// </summary>
internal readonly struct FitBuffer : IDisposable
{
    /// <summary>Doubles (512 KiB) up to which the pool lends the buffer.</summary>
    internal const int MaxPooledLength = 1 << 16;

    [ThreadStatic] private static HugePageMemory? _kept;
    private static long _keptBytes;

    private readonly double[]? _pooled;
    private readonly HugePageMemory? _native;
    private readonly int _length;

    private FitBuffer(double[]? pooled, HugePageMemory? native, int length)
    {
        _pooled = pooled;
        _native = native;
        _length = length;
    }

    /// <summary>Exactly the length asked for; what it holds on rent is unspecified.</summary>
    public Memory<double> Memory => _pooled is not null ? _pooled.AsMemory(0, _length) : _native!.Memory[.._length];

    /// <summary>Bytes of the large buffers that compute threads keep between the fits of a burst (none when every one is idle).</summary>
    public static long KeptBytes => Interlocked.Read(ref _keptBytes);

    public static FitBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= MaxPooledLength) return new FitBuffer(ArrayPool<double>.Shared.Rent(length), null, length);
        // Taken out of the slot while in use: a compute thread waiting inside a fit may run another fit meanwhile.
        if (_kept is { } kept && kept.Length >= length)
        {
            Keep(null);
            return new FitBuffer(null, kept, length);
        }
        return new FitBuffer(null, HugePageMemory.Allocate(length), length);
    }

    public void Dispose()
    {
        if (_pooled is not null)
        {
            ArrayPool<double>.Shared.Return(_pooled, clearArray: true);
            return;
        }
        var native = _native!;
        native.Memory.Span[.._length].Clear();
        if (ComputeScheduler.IsComputeThread && (_kept is null || _kept.Length < native.Length))
        {
            ReleaseKept();
            Keep(native);
        }
        else
        {
            ((IDisposable)native).Dispose();
        }
    }

    /// <summary>Unmaps this thread's kept buffer; a compute thread calls it when it finds no more work.</summary>
    internal static void ReleaseKept()
    {
        var kept = _kept;
        Keep(null);
        ((IDisposable?)kept)?.Dispose();
    }

    private static void Keep(HugePageMemory? memory)
    {
        Interlocked.Add(ref _keptBytes, ((long)(memory?.Length ?? 0) - (_kept?.Length ?? 0)) * sizeof(double));
        _kept = memory;
    }
}
