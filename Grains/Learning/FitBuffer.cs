using System.Buffers;

namespace Unlearning.Learning;

/// <summary>
/// A fit's own copy of its rows, cleared when the fit is done: no copy of a record may linger in memory after its
/// forget. Small copies are borrowed from the shared pool. Large ones are allocated for the fit alone: the shared pool
/// keeps a returned array per thread and size, so pooling them would keep memory the size of the largest shards'
/// rows alive between fits, a cost that grows with the records a silo holds rather than with the fits it runs.
/// </summary>
internal readonly struct FitBuffer : IDisposable
{
    /// <summary>Doubles (512 KiB) up to which the pool lends the buffer; above, one allocation is cheap beside the fit.</summary>
    internal const int MaxPooledLength = 1 << 16;

    private readonly int _length;
    private readonly bool _pooled;

    private FitBuffer(double[] array, int length, bool pooled)
    {
        Array = array;
        _length = length;
        _pooled = pooled;
    }

    /// <summary>At least <paramref name="length"/> doubles, of unspecified content.</summary>
    public double[] Array { get; }

    public static FitBuffer Rent(int length) => length <= MaxPooledLength
        ? new FitBuffer(ArrayPool<double>.Shared.Rent(length), length, pooled: true)
        : new FitBuffer(GC.AllocateUninitializedArray<double>(length), length, pooled: false);

    public void Dispose()
    {
        if (_pooled) ArrayPool<double>.Shared.Return(Array, clearArray: true);
        else Array.AsSpan(0, _length).Clear();
    }
}
