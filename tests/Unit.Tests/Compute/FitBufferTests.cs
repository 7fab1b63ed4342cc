using System.Buffers;
using Unlearning.Compute;
using Unlearning.Tests.Cli;

namespace Unlearning.Tests.Compute;

/// <summary>Runs alone: it watches the buffers every compute thread keeps, which other tests' fits would change.</summary>
[Collection(nameof(MemoryMeasuring))]
public sealed class FitBufferTests
{
    private const int Large = FitBuffer.MaxPooledLength * 4;

    [Theory]
    [InlineData(100)]
    [InlineData(FitBuffer.MaxPooledLength)]
    [InlineData(FitBuffer.MaxPooledLength + 1)]
    [InlineData(1_000_000)]
    public async Task A_buffer_holds_what_was_asked_and_is_cleared_when_the_fit_is_done(int length)
    {
        foreach (var onComputeThread in new[] { false, true })
        {
            var array = onComputeThread ? await ComputeScheduler.Run(() => FillAndReturn(length)) : FillAndReturn(length);
            Assert.True(array.Length >= length);
            Assert.All(array.AsSpan(0, length).ToArray(), value => Assert.Equal(0.0, value));
        }
    }

    [Fact]
    public void A_large_buffer_goes_back_to_the_collector_not_to_the_shared_pool()
    {
        var array = FillAndReturn(Large);

        // The shared pool hands a thread back the array it returned last for the size: a pooled buffer would come back here.
        var next = ArrayPool<double>.Shared.Rent(Large);
        ArrayPool<double>.Shared.Return(next);
        Assert.NotSame(array, next);
        Assert.NotSame(array, FillAndReturn(Large)); // and this thread, not a compute thread, keeps none
    }

    [Fact]
    public void A_small_buffer_is_borrowed_from_the_shared_pool()
    {
        var array = FillAndReturn(1_000);

        var next = ArrayPool<double>.Shared.Rent(1_000);
        ArrayPool<double>.Shared.Return(next);
        Assert.Same(array, next);
    }

    [Fact]
    public async Task A_compute_thread_reuses_its_large_buffer_within_a_burst_and_drops_it_when_idle()
    {
        var (first, second, larger, nested) = await ComputeScheduler.Run(() =>
        {
            var first = FillAndReturn(Large);
            var second = FillAndReturn(Large / 2);
            var larger = FillAndReturn(Large * 2);
            // A fit that starts while another holds the kept buffer gets one of its own.
            using var outer = FitBuffer.Rent(Large);
            var nested = FillAndReturn(Large);
            return (first, second, larger, nested);
        });
        Assert.Same(first, second);
        Assert.NotSame(first, larger);
        Assert.NotSame(larger, nested);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (FitBuffer.KeptBytes != 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(0, FitBuffer.KeptBytes);
    }

    private static double[] FillAndReturn(int length)
    {
        using var buffer = FitBuffer.Rent(length);
        buffer.Array.AsSpan(0, length).Fill(42.5);
        return buffer.Array;
    }
}
