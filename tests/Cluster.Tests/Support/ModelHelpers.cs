using Unlearning.TestKit;

namespace Unlearning.Tests.Support;

public static class ModelHelpers
{
    /// <summary>Creates, ingests and trains a model on <paramref name="records"/>.</summary>
    public static async Task<IModelGrain> BuildAsync(ClusterFixture cluster, Dataset dataset, string name, int shards, int slices,
        IEnumerable<DataRecord> records, int batchSize = 10_000)
    {
        var model = cluster.Model(name);
        await model.Create(dataset.Config(name, shards, slices));
        foreach (var batch in records.Chunk(batchSize)) await model.Ingest(batch);
        await model.Train();
        return model;
    }

    public static double[][] Rows(IEnumerable<DataRecord> records) => records.Select(r => r.Features).ToArray();

    public static async Task<double[]?[]> ShardWeightsAsync(ClusterFixture cluster, string model, int shards) =>
        await Task.WhenAll(Enumerable.Range(0, shards).Select(async i => (await cluster.Shard(model, i).GetSnapshot()).Weights));

    public static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    public static async Task<double> AccuracyAsync(IModelGrain model, DataRecord[] holdout) =>
        (await model.Evaluate(Rows(holdout), holdout.Select(r => r.Label).ToArray())).Accuracy;
}
