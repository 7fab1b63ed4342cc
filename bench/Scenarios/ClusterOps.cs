using System.Diagnostics;
using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.TestKit;

namespace Unlearning.Bench.Scenarios;

/// <summary>Client-side steps every scenario uses, all through the Orleans client.</summary>
public static class ClusterOps
{
    private static int _models;

    /// <summary>A model name no other model of this process uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _models)}";

    public sealed record Built(IModelGrain Model, string Name, double IngestMs, double TrainMs, int Records);

    /// <summary>Creates a model, ingests <paramref name="records"/> in batches and trains it, timing ingest and train apart.</summary>
    public static Task<Built> BuildAsync(BenchCluster cluster, Dataset data, string prefix, int shards, int slices,
        IReadOnlyList<DataRecord> records, int batch) =>
        BuildAsync(cluster, name => data.Config(name, shards, slices), prefix, records, batch);

    /// <summary>As above, with the model's config made from its unique name by <paramref name="config"/>.</summary>
    public static async Task<Built> BuildAsync(BenchCluster cluster, Func<string, ModelConfig> config, string prefix,
        IReadOnlyList<DataRecord> records, int batch)
    {
        var name = UniqueName(prefix);
        var model = cluster.Model(name);
        var created = config(name);
        await model.Create(created);
        // Wide rows (fashion_mnist: 784 features) go in smaller batches, far below Orleans' 100 MB message limit.
        batch = Math.Min(batch, Math.Max(100, 2_000_000 / created.FeatureCount));
        var stopwatch = Stopwatch.StartNew();
        for (var start = 0; start < records.Count; start += batch)
        {
            var count = Math.Min(batch, records.Count - start);
            var chunk = new DataRecord[count];
            for (var i = 0; i < count; i++) chunk[i] = records[start + i];
            await model.Ingest(chunk);
        }
        var ingestMs = stopwatch.Elapsed.TotalMilliseconds;
        stopwatch.Restart();
        await model.Train();
        return new Built(model, name, ingestMs, stopwatch.Elapsed.TotalMilliseconds, records.Count);
    }

    /// <summary>Holdout accuracy through the model's Evaluate, in batches that stay far below the message size limit.</summary>
    public static async Task<double> AccuracyAsync(IModelGrain model, IReadOnlyList<DataRecord> holdout, int features)
    {
        var batch = Math.Max(500, 2_000_000 / Math.Max(1, features));
        double correct = 0;
        for (var start = 0; start < holdout.Count; start += batch)
        {
            var part = holdout.Skip(start).Take(batch).ToArray();
            var result = await model.Evaluate(part.Select(r => r.Features).ToArray(), part.Select(r => r.Label).ToArray());
            correct += result.Accuracy * part.Length;
        }
        return correct / holdout.Count;
    }

    /// <summary>A data set for the scenarios that need one real set: the largest shared one, or what the mode allows.</summary>
    public static Dataset ServingData(BenchContext context)
    {
        if (!context.Settings.ForgetOnLargestRealSet) return context.Data.Wdbc();
        return context.Data.Shared(DataSets.Largest) ?? SyntheticData.Generate(250_000, 7);
    }

    /// <summary>The pause before a timed forget, so it meets an idle cluster (background work of the last one has ended).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);

    /// <summary>Slice checkpoints the model's shards have computed so far (cancelled fits do not count).</summary>
    public static async Task<long> FitsAsync(IModelGrain model) =>
        (await model.GetStatus()).Shards.Sum(s => s.SliceTrainings.Sum(n => (long)n));

    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var stopwatch = Stopwatch.StartNew();
        await action();
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Records to forget (by index into the list), in a fixed pseudo-random order, never the same one twice.</summary>
    public sealed class SubjectPool(int count, int seed = 7)
    {
        private readonly int[] _order = Shuffle(count, seed);
        private int _next;

        public int Remaining => _order.Length - _next;

        public int Next() =>
            _next < _order.Length ? _order[_next++] : throw new InvalidOperationException("no subjects left to forget");

        public int[] Take(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToArray();

        private static int[] Shuffle(int count, int seed)
        {
            var order = Enumerable.Range(0, count).ToArray();
            new Random(seed).Shuffle(order);
            return order;
        }
    }
}
