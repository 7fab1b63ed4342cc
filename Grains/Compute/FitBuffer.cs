using System.Buffers;

namespace Unlearning.Compute;

/// <summary>
/// A fit's own copy of its rows, cleared when the fit is done: no copy of a record may linger in memory after its
/// forget. Small copies are borrowed from the shared pool. A large one is kept by its compute thread for the next fit
/// of the same burst (a train fits every slice of every shard back to back) and dropped when the thread runs out of
/// work: the shared pool would keep it per thread and size bucket long after, memory the size of the largest shards'
/// rows held by a silo at rest.
/// </summary>
internal readonly struct FitBuffer : IDisposable
{
    /// <summary>Doubles (512 KiB) up to which the pool lends the buffer.</summary>
    internal const int MaxPooledLength = 1 << 16;

    [ThreadStatic] private static double[]? _kept;
    private static long _keptBytes;

    private readonly int _length;
    private readonly bool _pooled;

    private FitBuffer(double[] array, int length, bool pooled)
    {
        Array = array;
        _length = length;
        _pooled = pooled;
    }

    /// <summary>At least the length asked for; what it holds on rent is unspecified.</summary>
    public double[] Array { get; }

    /// <summary>Bytes of the large buffers that compute threads keep between the fits of a burst (none when every one is idle).</summary>
    public static long KeptBytes => Interlocked.Read(ref _keptBytes);

    public static FitBuffer Rent(int length)
    {
        if (length <= MaxPooledLength) return new FitBuffer(ArrayPool<double>.Shared.Rent(length), length, pooled: true);
        // Taken out of the slot while in use: a compute thread waiting inside a fit may run another fit meanwhile.
        if (_kept is { } kept && kept.Length >= length)
        {
            Keep(null);
            return new FitBuffer(kept, length, pooled: false);
        }
        return new FitBuffer(new double[length], length, pooled: false);
    }

    public void Dispose()
    {
        if (_pooled)
        {
            ArrayPool<double>.Shared.Return(Array, clearArray: true);
            return;
        }
        Array.AsSpan(0, _length).Clear();
        if (ComputeScheduler.IsComputeThread && (_kept is null || _kept.Length < Array.Length)) Keep(Array);
    }

    /// <summary>Drops this thread's kept buffer; a compute thread calls it when it finds no more work.</summary>
    internal static void ReleaseKept() => Keep(null);

    private static void Keep(double[]? array)
    {
        Interlocked.Add(ref _keptBytes, ((long)(array?.Length ?? 0) - (_kept?.Length ?? 0)) * sizeof(double));
        _kept = array;
    }
}
