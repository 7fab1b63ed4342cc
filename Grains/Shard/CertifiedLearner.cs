using Unlearning.Compute;
using Unlearning.Removal;
using Unlearning.Wire;

namespace Unlearning.Shard;

/// <summary>
/// Certified removal: the shard's model is fitted once on all its records (one slice); a forget applies one
/// Newton step for the records removed since, spending residual-bound budget, and retrains exactly when the
/// budget would run out (or when records were added). The pre-removal model and the removed records are
/// held in memory only; if the shard restarts before the step, it retrains exactly instead.
/// A step costs O(k d^2 + d^3) for k removed records because the model's <see cref="CertifiedShardBasis"/>
/// (the O(n d^2) sums over its rows) is computed on a compute thread as soon as the model is accepted.
/// </summary>
internal sealed class CertifiedLearner : IShardLearner
{
    private readonly ModelConfig _config;
    private readonly int _shard;
    private readonly ShardState _state;
    private CertifiedModel? _model;

    /// <summary>
    /// The removal basis of <see cref="_model"/>, computed or being computed; null when there is no model, and after
    /// a restore until a forget or a dry run first needs it. It holds transformed copies of exactly the rows the model
    /// stands for, so the rows of records forgotten since then stay in it, as they stay in <see cref="_pendingRemovals"/>,
    /// until the Newton step that removes them is accepted: it is replaced together with the model (its successor is
    /// computed without those rows), and nothing else keeps it.
    /// </summary>
    private Task<CertifiedShardBasis>? _basis;

    private readonly List<DataRecord> _pendingRemovals = [];

    /// <summary>Records removed by Newton steps since <see cref="_model"/>'s last exact fit, and that fit's residual bound per
    /// binary model (null when a row written before they were kept restored the model: unknown until the next fit).</summary>
    private int _stepRecords;
    private double[]? _fitBounds;

    /// <summary>Steps a shard's own mean must rest on before it replaces the calibration's expected bound.</summary>
    public const int ObservedSteps = RemovalProjection.ObservedSteps;

    public CertifiedLearner(ModelConfig config, int shard, ShardState state)
    {
        _config = config;
        _shard = shard;
        _state = state;
        if (state.Certified is { } stored)
        {
            _model = stored.Restore(config, NoiseKey, shard);
            (_stepRecords, _fitBounds) = (stored.StepRecords, stored.FitBounds);
        }
    }

    private byte[] NoiseKey => _state.NoiseKey ?? throw new InvalidOperationException($"certified shard {_shard} of model '{_config.Name}' has no noise key");

    /// <summary>The noise seed of the shard's next exact refit: fresh, never drawn before.</summary>
    private (long Refit, ulong Seed) NextRefit()
    {
        var refit = _state.NoiseRefits + 1;
        return (refit, CertifiedConfig.NoiseSeed(NoiseKey, _shard, refit));
    }

    public CertifiedBudget? Budget => _model is null ? null : new CertifiedBudget(_model.Budget, _model.ResidualBound);

    /// <summary>
    /// What one single-record removal is expected to add to each binary model's residual bound: the mean over this model's
    /// own steps since its last exact fit once there are <see cref="ObservedSteps"/>, before that the calibration's
    /// measurement for this shard (or the steps so far, when the sigma was given); and the removals the budget left
    /// covers at those rates (<see cref="RemovalProjection"/>), with their total rate as the step bound.
    /// </summary>
    public RemovalForecast? Forecast
    {
        get
        {
            if (_model is not { } model) return null;
            var basis = _stepRecords >= ObservedSteps ? Observed(model) : Calibrated(model) ?? Observed(model);
            if (basis is not { } projection) return new RemovalForecast(null, null);
            var rate = RemovalProjection.Rate(projection.Rates);
            return rate > 0
                ? new RemovalForecast(rate, RemovalProjection.RemovalsLeft(projection.Residuals, projection.Rates, model.Budget))
                : new RemovalForecast(null, null);
        }
    }

    /// <summary>The model's residual bounds and the mean each of this model's own steps added to them.</summary>
    private (IReadOnlyList<double> Residuals, double[] Rates)? Observed(CertifiedModel model)
    {
        if (_stepRecords == 0 || _fitBounds is not { } fit || fit.Length != model.BinaryModelCount) return null;
        return (model.ResidualBounds, [.. model.ResidualBounds.Select((bound, m) => Math.Max(0, bound - fit[m]) / _stepRecords)]);
    }

    /// <summary>
    /// The model's residual bounds and the calibration's per-model rates for this shard; from a calibration recorded before
    /// those were kept, its total rate against the total bound, as if one binary model.
    /// </summary>
    private (IReadOnlyList<double> Residuals, double[] Rates)? Calibrated(CertifiedModel model)
    {
        var calibration = _config.Certified?.Calibration;
        if (calibration?.ShardModelStepBounds is { } shards && _shard < shards.Length && shards[_shard] is { } rates
            && rates.Length == model.BinaryModelCount && rates.Any(rate => rate > 0))
        {
            return (model.ResidualBounds, rates);
        }

        if (calibration?.ShardModelStepBounds is null && calibration?.ShardStepBounds is { } totals && _shard < totals.Length && totals[_shard] > 0)
            return ([model.ResidualBound], [totals[_shard]]);
        return null;
    }

    /// <summary>The basis the next forget will use, if one is computed or being computed.</summary>
    internal Task<CertifiedShardBasis>? CurrentBasis => _basis;

    public IPreparedCheckpoint Prepare(int slice, ShardRows records, IReadOnlyList<SliceCheckpoint> checkpoints)
    {
        if (_model is { } model && _pendingRemovals.Count > 0 && records.Count > 0)
        {
            var basis = BasisOf(model, () => records.Records().Concat(_pendingRemovals));
            var removed = _pendingRemovals.Select(r => r.Id).ToArray();
            var (stepRefit, modelRefit) = (NextRefit(), _state.Certified?.Refit ?? _state.NoiseRefits);
            // Waits (on a compute thread) for a basis still being computed: the same bits as one computed long before.
            return new CertifiedCheckpoint(this, _ =>
            {
                ComputeScheduler.WaitFor(basis);
                return Remove(basis.GetAwaiter().GetResult(), removed, stepRefit, modelRefit);
            });
        }
        var rows = TrainingInput.ForPrefix(records, records.SliceCount - 1, _config);
        var config = _config;
        var (refit, seed) = NextRefit();
        return new CertifiedCheckpoint(this, _ =>
        {
            if (rows is null) return (new CheckpointResult(null, ForgetMethod.Retrain, null), null);
            var transformed = CertifiedConfig.Transform(config).Apply(rows.Set);
            var fitted = CertifiedConfig.Fit(transformed, config, seed);
            return (new CheckpointResult(CertifiedClassifier.Flatten(fitted), ForgetMethod.Retrain, null),
                new CertifiedUpdate(fitted, refit, 0, () => CertifiedShardBasis.Compute(fitted, transformed, rows.Ids)));
        });
    }

    private void Accept(CertifiedUpdate? update, ShardState state)
    {
        _model = update?.Model;
        _basis = update is null ? null : ComputeScheduler.Run(update.NextBasis);
        _pendingRemovals.Clear();
        if (update is null)
        {
            (_stepRecords, _fitBounds) = (0, null);
            state.Certified = null;
            return;
        }
        if (update.StepRecords == 0) (_stepRecords, _fitBounds) = (0, [.. update.Model.ResidualBounds]);
        else _stepRecords += update.StepRecords;
        state.NoiseRefits = Math.Max(state.NoiseRefits, update.Refit);
        state.Certified = CertifiedState.Of(update.Model, update.Refit, _stepRecords, _fitBounds);
    }

    public void RecordsAdded(ShardState state)
    {
        // The stored model no longer stands for the shard's records: restored after a restart, its Newton step would not
        // remove what it should. The next fit replaces it.
        _model = null;
        _basis = null;
        _pendingRemovals.Clear();
        state.Certified = null;
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
            return new ShardForgetEstimate(subjectRecords.Count, serving.Weights, ForgetMethod.Certified);
        var pending = BasisOf(model, serving.Records.Records);
        var leaving = subjectRecords.Select(r => r.Id).ToArray();
        var basis = await pending;
        if (leaving.Length >= basis.Basis.Rows.Rows) return new ShardForgetEstimate(subjectRecords.Count, null, ForgetMethod.Certified);
        // The certified update itself, computed and thrown away: an exact preview, not an estimate. Were it to run out of
        // budget, its refit draws throwaway noise: a preview never shows the noise a real refit will use.
        var outcome = await ComputeScheduler.Run(() => CertifiedRemoval.Remove(basis.Basis, basis.IndicesOf(leaving), CertifiedConfig.ThrowawayNoiseSeed()));
        var method = outcome.BudgetExhausted ? ForgetMethod.Retrain : ForgetMethod.Certified;
        return new ShardForgetEstimate(subjectRecords.Count, CertifiedClassifier.Flatten(outcome.Model), method);
    }

    /// <summary>
    /// The served model's gradient residual on the stored records (the one slice, canonical order), against the bound it
    /// accumulated: within it, the removals it stepped are (epsilon, delta)-certified. Slack for rounding only.
    /// </summary>
    public async Task<LearnerVerification> VerifyAsync(ShardRows stored, double[]? served)
    {
        var model = _model ?? (_state.Certified is { } persisted ? persisted.Restore(_config, NoiseKey, _shard) : null);
        if (model is null || served is null) return new LearnerVerification(served is null, null);
        var records = stored.Records().OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        if (records.Length != model.Rows) return new LearnerVerification(false, null, double.NaN, model.ResidualBound);
        var rows = CertifiedConfig.Transform(_config).Apply(TrainingInput.Of(records, _config)!.Set);
        var residual = await ComputeScheduler.Run(() => CertifiedResidual.Of(model, rows));
        var bound = model.ResidualBound;
        var flat = CertifiedClassifier.Flatten(model);
        var servesIt = flat.AsSpan().SequenceEqual(served);
        return new LearnerVerification(servesIt && residual <= bound * (1 + 1e-9) + 1e-12, null, residual, bound);
    }

    /// <summary>
    /// The basis of <paramref name="model"/> (the current one); when there is none yet (after a restore) or computing it
    /// failed, it is computed from <paramref name="modelRecords"/>, exactly the records the model stands for, copied here.
    /// </summary>
    private Task<CertifiedShardBasis> BasisOf(CertifiedModel model, Func<IEnumerable<DataRecord>> modelRecords)
    {
        if (_basis is { IsFaulted: false, IsCanceled: false } basis) return basis;
        var rows = TrainingInput.Of(modelRecords().OrderBy(r => r.Id, StringComparer.Ordinal).ToArray(), _config)!;
        var transform = CertifiedConfig.Transform(_config);
        return _basis = ComputeScheduler.Run(() => CertifiedShardBasis.Compute(model, transform.Apply(rows.Set), rows.Ids));
    }

    /// <summary>The Newton step; when it would overrun the budget, an exact refit with the next refit's fresh noise.</summary>
    private static (CheckpointResult, CertifiedUpdate?) Remove(CertifiedShardBasis basis, string[] removedIds, (long Number, ulong Seed) refit, long modelRefit)
    {
        var removed = basis.IndicesOf(removedIds);
        var outcome = CertifiedRemoval.Remove(basis.Basis, removed, refit.Seed);
        var bound = Math.Sqrt(outcome.StepBounds.Sum(b => b * b));
        var method = outcome.BudgetExhausted ? ForgetMethod.Retrain : ForgetMethod.Certified;
        return (new CheckpointResult(CertifiedClassifier.Flatten(outcome.Model), method, bound),
            new CertifiedUpdate(outcome.Model, outcome.BudgetExhausted ? refit.Number : modelRefit,
                outcome.BudgetExhausted ? 0 : removed.Length, () => basis.Successor(outcome.Model, removed)));
    }

    /// <summary>
    /// A computed model, the refit whose noise it carries, the records its Newton step removed (0: an exact fit), and how
    /// to compute its basis once it is accepted.
    /// </summary>
    private sealed record CertifiedUpdate(CertifiedModel Model, long Refit, int StepRecords, Func<CertifiedShardBasis> NextBasis);

    /// <summary>A fit or a Newton step; its model becomes the learner's when the shard accepts the checkpoint.</summary>
    private sealed class CertifiedCheckpoint(CertifiedLearner learner, Func<CancellationToken, (CheckpointResult, CertifiedUpdate?)> compute)
        : IPreparedCheckpoint
    {
        private CertifiedUpdate? _update;

        public CheckpointResult Compute(CancellationToken cancellation)
        {
            (var result, _update) = compute(cancellation);
            return result;
        }

        public void Accept(ShardState state) => learner.Accept(_update, state);
    }
}
