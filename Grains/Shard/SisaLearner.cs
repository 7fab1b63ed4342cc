using System.Runtime.InteropServices;
using Unlearning.Compute;
using Unlearning.Influence;
using Unlearning.Learning;
using Unlearning.Wire;

namespace Unlearning.Shard;

/// <summary>
/// Exact unlearning: checkpoint r is the softmax model fitted on slices 0..r, warm-started from checkpoint r-1.
/// Explanations and forget estimates use influence functions on the served model.
/// </summary>
internal sealed class SisaLearner(ModelConfig config) : IShardLearner
{
    private readonly TrainerSettings _settings = new(config.Lambda, config.MaxIterations);
    private (long Version, Task<(InfluenceAnalysis Analysis, string[] Ids)> Analysis)? _influence;

    private ForgetMethod Method => config.IsFullRetrain ? ForgetMethod.Retrain : ForgetMethod.Exact;

    public CertifiedBudget? Budget => null;

    public RemovalForecast? Forecast => null;

    public IPreparedCheckpoint Prepare(int slice, ShardRows records, IReadOnlyList<SliceCheckpoint> checkpoints) =>
        new SliceFit(records, slice, config, slice > 0 ? checkpoints[slice - 1].Weights : null, _settings, Method);

    public void RecordsAdded(ShardState state) { }

    /// <summary>The cached analysis holds a copy of the training rows: it must not outlive a forget.</summary>
    public void RecordsRemoved(IReadOnlyList<DataRecord> removed, ShardState state) => _influence = null;

    public async Task<Explanation[]> ExplainAsync(double[][] rows, int[] labels, int top, ShardServing serving)
    {
        if (!serving.Current || serving.Weights is null) return [];
        var (analysis, ids) = await AnalysisFor(serving);
        return await ComputeScheduler.Run(() => rows.Select((row, i) => Explain(analysis, ids, row, labels[i], top)).ToArray());
    }

    public async Task<ShardForgetEstimate> EstimateForgetAsync(IReadOnlyList<DataRecord> subjectRecords, ShardServing serving)
    {
        if (serving.Weights is null || subjectRecords.Count == 0 || !serving.Current)
            return new ShardForgetEstimate(subjectRecords.Count, serving.Weights, ForgetMethod.Influence);
        var (analysis, ids) = await AnalysisFor(serving);
        var removed = subjectRecords.Select(r => Array.IndexOf(ids, r.Id)).ToArray();
        if (removed.Length >= ids.Length)
            return new ShardForgetEstimate(subjectRecords.Count, null, ForgetMethod.Influence);
        var prediction = await ComputeScheduler.Run(() => analysis.PredictRemoval(removed));
        return new ShardForgetEstimate(subjectRecords.Count, prediction.RawWeightsAfter, ForgetMethod.Influence);
    }

    /// <summary>Every checkpoint again from the stored records, as a first training would compute them; the last must have the served bits.</summary>
    public async Task<LearnerVerification> VerifyAsync(ShardRows stored, double[]? served)
    {
        var rebuilt = await ComputeScheduler.Run(() =>
        {
            var checkpoints = new List<SliceCheckpoint>();
            for (var slice = 0; slice < stored.SliceCount; slice++)
                checkpoints.Add(new SliceCheckpoint(Prepare(slice, stored, checkpoints).Compute(CancellationToken.None).Weights));
            return checkpoints[^1].Weights;
        });
        return new LearnerVerification(SameBits(rebuilt, served), rebuilt);
    }

    private static bool SameBits(double[]? a, double[]? b) =>
        a is null ? b is null : b is not null && MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));

    /// <summary>The Hessian factorisation of the served model, kept until the shard serves other weights.</summary>
    private Task<(InfluenceAnalysis Analysis, string[] Ids)> AnalysisFor(ShardServing serving)
    {
        if (_influence is { } cached && cached.Version == serving.Version && !cached.Analysis.IsFaulted) return cached.Analysis;
        var data = TrainingInput.ForPrefix(serving.Records, serving.Records.SliceCount - 1, config)!;
        var weights = serving.Weights!;
        var analysis = ComputeScheduler.Run(() => (InfluenceAnalysis.Create(data.Set, weights, config.Lambda), data.Ids));
        _influence = (serving.Version, analysis);
        return analysis;
    }

    private static Explanation Explain(InfluenceAnalysis analysis, string[] ids, double[] row, int label, int top)
    {
        var scores = analysis.UpweightingInfluence(row, label);
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => ids[i], StringComparer.Ordinal).ToArray();
        RecordInfluence At(int i) => new(ids[i], -1, scores[i]);
        var raising = order.Reverse().Where(i => scores[i] > 0).Take(top).Select(At).ToArray();
        var lowering = order.Where(i => scores[i] < 0).Take(top).Select(At).ToArray();
        return new Explanation(label, raising, lowering);
    }

    /// <summary>
    /// Checkpoint r: a fit on the rows of slices 0..r, warm-started from checkpoint r-1; nothing to keep beyond the weights.
    /// The rows are gathered from the shard's chunks into one buffer on the compute thread, standardised there in place,
    /// and the buffer cleared when the fit ends: the shard holds its records once, a fit borrows one copy.
    /// </summary>
    private sealed class SliceFit(ShardRows rows, int slice, ModelConfig config, double[]? warmStart, TrainerSettings settings, ForgetMethod method)
        : IPreparedCheckpoint
    {
        public CheckpointResult Compute(CancellationToken cancellation)
        {
            var count = rows.CountUpTo(slice);
            if (count == 0) return new(null, method, null);
            var d = config.FeatureCount;
            using var buffer = FitBuffer.Rent(count * d);
            var labels = new int[count];
            rows.CopyPrefixTo(slice, d, buffer.Memory.Span, labels);
            return new(SoftmaxTrainer.FitInPlace(buffer.Memory, labels, d, config.ClassCount, settings, warmStart, cancellation).Weights, method, null);
        }

        public void Accept(ShardState state) { }
    }
}
