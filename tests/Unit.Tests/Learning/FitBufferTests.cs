using System.Buffers;
using Unlearning.Learning;

namespace Unlearning.Tests.Learning;

public sealed class FitBufferTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(FitBuffer.MaxPooledLength)]
    [InlineData(FitBuffer.MaxPooledLength + 1)]
    [InlineData(1_000_000)]
    public void A_buffer_holds_what_was_asked_and_is_cleared_when_the_fit_is_done(int length)
    {
        double[] array;
        using (var buffer = FitBuffer.Rent(length))
        {
            array = buffer.Array;
            Assert.True(array.Length >= length);
            array.AsSpan(0, length).Fill(42.5);
        }

        Assert.All(array.AsSpan(0, length).ToArray(), value => Assert.Equal(0.0, value));
    }

    [Fact]
    public void A_large_buffer_goes_back_to_the_collector_not_to_the_shared_pool()
    {
        var length = FitBuffer.MaxPooledLength * 4;
        double[] array;
        using (var buffer = FitBuffer.Rent(length)) array = buffer.Array;

        // The shared pool hands a thread back the array it returned last for the size: a pooled buffer would come back here.
        var next = ArrayPool<double>.Shared.Rent(length);
        ArrayPool<double>.Shared.Return(next);
        Assert.NotSame(array, next);
        Assert.Equal(length, array.Length);
    }

    [Fact]
    public void A_small_buffer_is_borrowed_from_the_shared_pool()
    {
        double[] array;
        using (var buffer = FitBuffer.Rent(1_000)) array = buffer.Array;

        var next = ArrayPool<double>.Shared.Rent(1_000);
        ArrayPool<double>.Shared.Return(next);
        Assert.Same(array, next);
    }
}
