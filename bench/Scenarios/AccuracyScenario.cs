using System.Globalization;
using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Peers;
using Unlearning.Bench.Results;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

public sealed class AccuracyScenario : IScenario
{
    public string Name => "accuracy";
    public string Id => "4-accuracy";
    public string Title => "4. Accuracy vs shards";
    public string Description =>
        "Holdout accuracy of the S-shard ensemble (average of the shards' class probabilities) on each real data set, with the " +
        "tests' fixed 80/20 split (stable hash of the record id), next to ML.NET's L-BFGS trained on the same training rows. " +
        "R=1: slicing only changes where checkpoints are kept, not the minimiser of the convex objective each shard converges to. " +
        "Accuracy is deterministic, so each figure is one run. Target: within 2 points of the 1-shard model up to S=16.";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var files = DataSets.RealFiles.Where(f => settings.AccuracyOnFashionMnist || !f.StartsWith("fashion", StringComparison.Ordinal)).ToArray();
        var sets = new List<Func<Dataset?>>();
        if (!settings.AccuracyOnSharedSets)
        {
            sets.Add(context.Data.Wdbc);
        }
        else if (context.Data.SharedDirectory is null)
        {
            recorder.Add(new ResultRow { Case = "shared data sets", Metric = "all", Verdict = Verdict.Skipped, Note = "the shared data folder was not found; the repository's wdbc set stands in" });
            sets.Add(context.Data.Wdbc);
        }
        else
        {
            foreach (var file in files) sets.Add(() => context.Data.Shared(file));
        }
        if (settings.AccuracyOnSharedSets && !settings.AccuracyOnFashionMnist)
            recorder.Note("fashion_mnist (70,000 x 784, 10 classes) runs with --full only: its fits take minutes each.");

        var series = new List<ChartSeries>();
        foreach (var load in sets)
        {
            var data = load();
            if (data is null) continue;
            var (train, holdout) = data.Split();
            var caseName = $"{data.Name} ({data.Shape}, {data.ClassCount} classes)";
            BenchContext.Progress($"{data.Name}: ML.NET and S in {{{string.Join(", ", settings.AccuracyShards)}}}");

            var peer = new MlNetPeer(data.FeatureCount, data.ClassCount);
            var fitted = peer.Train(peer.Prepare(train), train.Length);
            var mlnetAccuracy = fitted.Accuracy(peer.Prepare(holdout));

            await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, settings.Silos);
            var accuracies = new List<double>();
            double? oneShard = null;
            foreach (var shards in settings.AccuracyShards)
            {
                var built = await BuildAsync(cluster, data, "accuracy", shards, 1, train, settings.IngestBatch);
                var accuracy = await AccuracyAsync(built.Model, holdout, data.FeatureCount);
                accuracies.Add(accuracy);
                var trainNote = $"train {Format.Milliseconds(built.TrainMs)}";
                if (shards == 1)
                {
                    oneShard = accuracy;
                    recorder.Add(new ResultRow
                    {
                        Case = caseName, Metric = "S=1 (one model)", Value = accuracy, Unit = "acc", PeerName = "ML.NET", PeerValue = mlnetAccuracy,
                        Ratio = accuracy - mlnetAccuracy, RatioUnit = "pts",
                        Note = $"{trainNote}; ML.NET train {Format.Milliseconds(fitted.ElapsedMs)}",
                    });
                    continue;
                }
                var reference = oneShard ?? double.NaN;
                var targeted = shards <= 16 && oneShard is not null;
                recorder.Add(new ResultRow
                {
                    Case = caseName, Metric = $"S={shards} ensemble", Value = accuracy, Unit = "acc",
                    Target = targeted ? "within 2 pts of S=1" : "-", PeerName = "S=1", PeerValue = reference,
                    Ratio = accuracy - reference, RatioUnit = "pts",
                    Verdict = !targeted ? Verdict.Info : accuracy >= reference - 0.02 ? Verdict.Pass : Verdict.Miss,
                    Note = trainNote,
                });
            }
            series.Add(new ChartSeries(data.Name, [.. settings.AccuracyShards.Select(s => (double)s)],
                [.. accuracies.Select(a => (a - (oneShard ?? a)) * 100)]));
            recorder.Note($"{data.Name}: ML.NET holdout accuracy {Format.Value(mlnetAccuracy, "acc")} on {train.Length.ToString("#,0", CultureInfo.InvariantCulture)} training rows");
            context.Data.Release(Path.GetFileName(data.Source));
        }

        recorder.Chart(new ChartSpec
        {
            Name = "delta",
            Title = "Holdout accuracy of the S-shard ensemble minus the 1-shard model",
            Kind = ChartKind.Lines,
            LogX = true,
            XLabel = "shards S (log scale)",
            YLabel = "accuracy points vs S=1",
            Series = series,
            HorizontalLines = [new(-2, "target: -2 pts (up to S=16)")],
            VerticalLines = [new(16, "")],
        });
    }
}
