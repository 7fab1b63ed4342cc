using System.Globalization;
using System.Text;

namespace Unlearning.Tests.Cli;

/// <summary>Tests that measure the process's heap or allocations: run alone, so that no other test's objects count.</summary>
[CollectionDefinition(nameof(MemoryMeasuring), DisableParallelization = true)]
public sealed class MemoryMeasuring;

/// <summary>The commands read files in one bounded pass: memory holds a batch, never the file or a field beyond the limits.</summary>
[Collection(nameof(MemoryMeasuring))]
public sealed class CliStreamingTests : IDisposable
{
    private const int Rows = 300_000;
    private const int Features = 20;

    /// <summary>The most live heap ingest or predict may add while streaming a file of about 60 MB.</summary>
    private const long HeapCap = 16L << 20;

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Ingest_and_predict_stream_a_file_far_larger_than_the_memory_they_hold()
    {
        var model = _cli.Model("m", [.. Enumerable.Range(0, Features).Select(j => $"f{j}")], ["no", "yes"]);
        model.KeepBatches = false;
        var file = WriteRows("large.csv");
        var size = new FileInfo(file).Length;
        Assert.True(size > 50_000_000, $"the file has {size:N0} bytes");

        // A full collection before each sample: the live heap, not the garbage a server GC has yet to collect.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var samples = 0;
        model.OnBatch = () =>
        {
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            samples++;
        };

        var ingest = await _cli.RunAsync("ingest", "m", file, "--json");
        var lines = new LineCounter();
        var predict = await _cli.RunAsync(lines, "predict", "m", file, "--json");

        Assert.Equal((0, ""), (ingest.ExitCode, ingest.Stderr));
        Assert.Equal((0, ""), (predict.ExitCode, predict.Stderr));
        Assert.Equal($$"""{"model":"m","accepted":{{Rows}},"records":{{Rows}},"unchanged":0}""", Assert.Single(ingest.StdoutLines));
        Assert.Equal((Rows, Rows, Rows), (model.IngestedRows, model.PredictedRows, lines.Count));
        Assert.Equal(2 * Rows / 10_000, samples);
        Assert.True(peak < HeapCap, $"the live heap grew by {peak:N0} bytes streaming a file of {size:N0}");
    }

    [Fact]
    public async Task A_ten_megabyte_field_fails_fast_with_a_short_error_and_without_being_read_into_memory()
    {
        var model = _cli.Model("m", "x");
        var file = Write("field.csv", "id,x,label\nr1,1,yes\nr2,", 'x', 10_000_000, ",no\n");

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await _cli.RunAsync("ingest", "m", file, "--json");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal($"error: {file} line 3: a field is longer than 4,096 characters (raise --max-field-length); nothing was ingested",
            result.ErrorLine);
        Assert.True(result.Stderr.Length < 300, $"{result.Stderr.Length:N0} characters on stderr");
        Assert.Empty(model.IngestBatches);
        Assert.True(allocated < 4_000_000, $"allocated {allocated:N0} bytes for a file with a 10 MB field");
    }

    [Fact]
    public async Task A_ten_megabyte_line_fails_fast_with_a_short_error_and_without_being_read_into_memory()
    {
        _cli.Model("m", "x");
        var file = Write("line.csv", "id,x\nr1,", '1', 10_000_000, "\n");

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await _cli.RunAsync("predict", "m", file, "--json", "--max-field-length", "20000000");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal($"error: {file} line 2: the record is longer than 1,048,576 characters (raise --max-line-length)", result.ErrorLine);
        Assert.True(allocated < 10_000_000, $"allocated {allocated:N0} bytes for a file with a 10 MB line"); // half its 20 MB of chars
    }

    /// <summary>A file of <see cref="Rows"/> rows of <see cref="Features"/> features with 5 decimals, about 60 MB.</summary>
    private string WriteRows(string name)
    {
        var path = _cli.File(name, "");
        using var writer = new StreamWriter(path, append: false, Encoding.UTF8, 1 << 16);
        writer.Write("id,subject,");
        writer.Write(string.Join(",", Enumerable.Range(0, Features).Select(j => $"f{j}")));
        writer.Write(",label\n");
        var random = new Random(7);
        for (var i = 0; i < Rows; i++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"row-{i},subject-{i / 3}"));
            for (var j = 0; j < Features; j++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $",{random.NextDouble() * 200 - 100:F5}"));
            }

            writer.Write(i % 2 == 0 ? ",yes\n" : ",no\n");
        }

        return path;
    }

    private string Write(string name, string prefix, char fill, int count, string suffix)
    {
        var path = _cli.File(name, "");
        using var writer = new StreamWriter(path);
        writer.Write(prefix);
        var chunk = new string(fill, 1 << 16);
        for (var left = count; left > 0; left -= chunk.Length)
        {
            writer.Write(chunk.AsSpan(0, Math.Min(left, chunk.Length)));
        }

        writer.Write(suffix);
        return path;
    }

    /// <summary>stdout that counts lines and keeps nothing.</summary>
    private sealed class LineCounter : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public int Count { get; private set; }

        public override void Write(char value)
        {
            if (value == '\n')
            {
                Count++;
            }
        }

        public override void Write(string? value) => Count += value?.Count(c => c == '\n') ?? 0;
    }
}
