using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
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
    public void A_small_buffer_holds_what_was_asked_and_goes_back_to_the_pool_cleared(int length)
    {
        var array = Assert.IsType<double[]>(FillAndReturn(length));
        Assert.True(array.Length >= length);
        Assert.All(array.AsSpan(0, length).ToArray(), value => Assert.Equal(0.0, value));

        var next = ArrayPool<double>.Shared.Rent(length);
        ArrayPool<double>.Shared.Return(next);
        Assert.Same(array, next);
    }

    [Theory]
    [InlineData(FitBuffer.MaxPooledLength + 1)]
    [InlineData(1_000_000)]
    public async Task A_large_buffer_is_native_memory_cleared_when_the_fit_is_done_and_unmapped_off_a_compute_thread(int length)
    {
        // A compute thread keeps it for the burst: readable, and every value cleared.
        var kept = await ComputeScheduler.Run(() =>
        {
            var memory = Assert.IsType<HugePageMemory>(FillAndReturn(length));
            return memory.GetSpan()[..length].ToArray();
        });
        Assert.Equal(length, kept.Length);
        Assert.All(kept, value => Assert.Equal(0.0, value));

        // Any other thread gives it back to the system at once.
        var dropped = Assert.IsType<HugePageMemory>(FillAndReturn(length));
        Assert.Throws<ObjectDisposedException>(() => dropped.GetSpan());
    }

    [Fact]
    public async Task A_compute_thread_reuses_its_large_buffer_within_a_burst_and_unmaps_it_when_idle()
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
        // The smaller one, replaced by the larger, was unmapped then.
        Assert.Throws<ObjectDisposedException>(() => ((HugePageMemory)first).GetSpan());

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (FitBuffer.KeptBytes != 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(0, FitBuffer.KeptBytes);
        Assert.Throws<ObjectDisposedException>(() => ((HugePageMemory)larger).GetSpan());
    }

    [Fact]
    public unsafe void A_large_buffer_lies_on_huge_pages_where_the_kernel_grants_them()
    {
        const int length = 8 << 20 >> 3; // 8 MiB: four huge pages
        using var buffer = FitBuffer.Rent(length);
        var span = buffer.Memory.Span;
        span.Fill(1.0);
        Assert.Equal(length, span.Length);
        if (!OperatingSystem.IsLinux()) return; // elsewhere plain native memory: the fill above is the whole contract
        var setting = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
        using var pin = buffer.Memory.Pin();
        var hugeKiB = AnonHugePagesKiB((nuint)pin.Pointer);
        if (setting.Contains("[never]"))
        {
            Assert.Equal(0, hugeKiB);
            return;
        }
        Assert.True(hugeKiB >= 4096, $"the buffer's mapping has {hugeKiB} KiB on huge pages (kernel setting: {setting.Trim()})");
    }

    /// <summary>The AnonHugePages figure of the mapping of this process that holds <paramref name="address"/>.</summary>
    private static long AnonHugePagesKiB(nuint address)
    {
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, null, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, null, out var end))
            {
                inMapping = start <= address && address < end;
                continue;
            }
            if (inMapping && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
                return long.Parse(line["AnonHugePages:".Length..].Replace("kB", "").Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("no mapping of this process holds the buffer");
    }

    /// <summary>What backs the buffer of one fit that filled it: its array when pooled, else its native memory.</summary>
    private static object FillAndReturn(int length)
    {
        using var buffer = FitBuffer.Rent(length);
        Assert.Equal(length, buffer.Memory.Length);
        buffer.Memory.Span.Fill(42.5);
        if (MemoryMarshal.TryGetArray<double>(buffer.Memory, out var segment)) return segment.Array!;
        Assert.True(MemoryMarshal.TryGetMemoryManager<double, HugePageMemory>(buffer.Memory, out var manager));
        return manager;
    }
}
