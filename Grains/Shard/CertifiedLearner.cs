using Unlearning.Compute;
using Unlearning.Removal;

namespace Unlearning.Shard;

/// <summary>
/// Certified removal: the shard's model is fitted once on all its records (one slice); a forget applies one
/// Newton step for the records removed since, spending residual-bound budget, and retrains exactly when the
/// budget would run out (or when records were added). The pre-removal model and the removed records are
/// held in memory only; if the shard restarts before the step, it retrains exactly instead.
/// </summary>
internal sealed class CertifiedLearner : IShardLearner
{
    private readonly ModelConfig _config;
    private readonly int _shard;
    private CertifiedModel? _model;
    private readonly List<DataRecord> _pendingRemovals = [];

    public CertifiedLearner(ModelConfig config, int shard, ShardState state)
    {
        _config = config;
        _shard = shard;
        if (state.Certified is { } stored) _model = CertifiedShardModel.Restore(stored, config, shard);
    }

    public CertifiedBudget? Budget => _model is null ? null : new CertifiedBudget(_model.Budget, _model.ResidualBound);

    public Func<CancellationToken, CheckpointResult> Prepare(int slice, IShardRecords records, IReadOnlyList<SliceCheckpoint> checkpoints)
    {
        var remaining = TrainingInput.ForPrefix(records, records.Slices.Count - 1, _config);
        var config = _config;
        var shard = _shard;
        if (_model is { } model && _pendingRemovals.Count > 0 && remaining is not null)
        {
            var removed = TrainingInput.Of(_pendingRemovals.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray(), config)!;
            return _ =>
            {
                var outcome = CertifiedShardModel.Remove(model, remaining.Set, removed.Set, config);
                var bound = Math.Sqrt(outcome.StepBounds.Sum(b => b * b));
                var method = outcome.BudgetExhausted ? ForgetMethods.Retrain : ForgetMethods.Certified;
                return new CheckpointResult(CertifiedClassifier.Flatten(outcome.Model), method, bound, outcome.Model);
            };
        }
        return _ =>
        {
            var fitted = remaining is null ? null : CertifiedShardModel.Fit(remaining.Set, config, shard);
            return new CheckpointResult(fitted is null ? null : CertifiedClassifier.Flatten(fitted), ForgetMethods.Retrain, null, fitted);
        };
    }

    public void Accept(CheckpointResult result, ShardState state)
    {
        _model = (CertifiedModel?)result.Model;
        _pendingRemovals.Clear();
        state.Certified = _model is null ? null : CertifiedShardModel.Persistable(_model);
    }

    public void RecordsAdded(ShardState state)
    {
        _model = null;
        _pendingRemovals.Clear();
    }

    public void RecordsRemoved(IReadOnlyList<DataRecord> removed, ShardState state)
    {
        // Only a model that saw them needs them for its Newton step; otherwise they are dropped at once.
        if (_model is not null) _pendingRemovals.AddRange(removed);
        state.Certified = null;
    }

    public Task<Explanation[]> ExplainAsync(double[][] rows, int[] labels, int top, ShardServing serving) =>
        throw new NotSupportedException($"explain works on exact (SISA) models; model '{_config.Name}' uses certified removal");

    public async Task<ShardForgetEstimate> EstimateForgetAsync(IReadOnlyList<DataRecord> subjectRecords, ShardServing serving)
    {
        if (_model is not { } model || subjectRecords.Count == 0 || !serving.Current || _pendingRemovals.Count > 0)
            return new ShardForgetEstimate(subjectRecords.Count, serving.Weights, ForgetMethods.Certified);
        var leaving = subjectRecords.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var remaining = TrainingInput.Of(serving.Records.Slices.SelectMany(s => s).Where(r => !leaving.Contains(r.Id)).ToArray(), _config);
        if (remaining is null) return new ShardForgetEstimate(subjectRecords.Count, null, ForgetMethods.Certified);
        var removed = TrainingInput.Of(subjectRecords.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray(), _config)!;
        // The certified update itself, computed and thrown away: an exact preview, not an estimate.
        var outcome = await ComputeScheduler.Run(() => CertifiedShardModel.Remove(model, remaining.Set, removed.Set, _config));
        var method = outcome.BudgetExhausted ? ForgetMethods.Retrain : ForgetMethods.Certified;
        return new ShardForgetEstimate(subjectRecords.Count, CertifiedClassifier.Flatten(outcome.Model), method);
    }
}
