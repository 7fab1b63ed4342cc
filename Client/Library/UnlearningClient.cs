using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Unlearning.Client.Calls;
using Unlearning.Client.Csv;
using Unlearning.Client.Hosting;
using Unlearning.Client.Operations;

namespace Unlearning.Client;

/// <summary>
/// <see cref="IUnlearningClient"/> over an Orleans client. Every method checks its input, then calls the cluster in a
/// <see cref="CallSession"/>, stopped by the caller's token or a lost connection: a single read straight through the
/// <see cref="CallPolicy"/> (<c>ReadAsync</c>), anything else through a guarded grain (<see cref="GuardedModelGrain"/>,
/// <see cref="GuardedRequestGrain"/>: reads retried, long writes watched). A new cluster call is one method here and one
/// line in <see cref="IUnlearningClient"/>: check the arguments with <see cref="ModelRules"/>, then
/// <c>SessionAsync(model, ct, grain =&gt; grain.NewCall(...))</c>; add it to <see cref="GuardedModelGrain"/> as a read
/// (retried) or a write (watched, never retried). The privacy office's and auditors' calls (models, forget requests,
/// the audit log, the signing keys) are in <c>UnlearningClient.Compliance.cs</c>.
/// </summary>
public sealed partial class UnlearningClient : IUnlearningClient
{
    // Grain references cost an allocation and a lookup each; a service calls few models many times.
    private const int CachedModels = 1_024;

    private readonly IClusterAccess _cluster;
    private readonly CallPolicy _policy;
    private readonly ConcurrentDictionary<string, IModelGrain> _grains = new(StringComparer.Ordinal);

    internal UnlearningClient(IClusterAccess cluster, CallPolicy policy)
    {
        _cluster = cluster;
        _policy = policy;
    }

    /// <summary>A client over an Orleans client started elsewhere (the benchmark, tests): it watches no connection of its own.</summary>
    internal static UnlearningClient Over(IClusterClient client, UnlearningResilienceOptions? resilience = null) =>
        new(new HostedClusterAccess(client, new ConnectionWatch(), "through the given Orleans client"), CallPolicy.Create(resilience ?? new()));

    /// <inheritdoc />
    public Task<ModelConfig> CreateModelAsync(ModelConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ModelRules.Checked(config);
        return CallAsync(config.Name, config, static (grain, config) => grain.Create(config), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ModelConfig> CreateModelAsync(ModelDefinition model, CsvSource schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schema);
        ModelRules.Name(model.Name);
        var file = SchemaFile.Read(schema.Records);
        return CreateModelAsync(model.ToConfig(file.FeatureNames, file.Labels, file.Statistics), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ModelConfig> GetConfigAsync(string model, CancellationToken cancellationToken = default) =>
        ReadAsync(ModelRules.Name(model), 0, static (grain, _) => grain.GetConfig(), cancellationToken);

    /// <inheritdoc />
    public Task<IngestOutcome> IngestAsync(string model, CsvSource records, string? ingestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var id = IngestId(ingestId);
        return SessionAsync(ModelRules.Name(model), cancellationToken, async grain =>
            await Ingestion.FromCsvAsync(grain, await grain.GetConfig(), id, records, cancellationToken));
    }

    /// <inheritdoc />
    public Task<IngestOutcome> IngestAsync(string model, IEnumerable<DataRecord> records, string? ingestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var id = IngestId(ingestId);
        return SessionAsync(ModelRules.Name(model), cancellationToken, async grain =>
            await Ingestion.FromRecordsAsync(grain, await grain.GetConfig(), id, records, cancellationToken));
    }

    /// <inheritdoc />
    public Task<IngestResult> StageIngestAsync(string model, string ingestId, IReadOnlyList<DataRecord> records, CancellationToken cancellationToken = default)
    {
        ModelRules.Id(ingestId, nameof(ingestId));
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("no records to stage", nameof(records));
        return SessionAsync(ModelRules.Name(model), cancellationToken, async grain =>
        {
            var size = Batches.RowsFor(records[0].Features?.Length ?? 1);
            IngestResult? total = null;
            foreach (var batch in records.Chunk(size))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var staged = await grain.StageIngest(ingestId, batch);
                total = total is null ? staged : staged with { Accepted = total.Accepted + staged.Accepted, Unchanged = total.Unchanged + staged.Unchanged };
            }

            return total!;
        });
    }

    /// <inheritdoc />
    public Task<IngestResult> CommitIngestAsync(string model, string ingestId, CancellationToken cancellationToken = default) =>
        CallAsync(ModelRules.Name(model), ModelRules.Id(ingestId, nameof(ingestId)), static (grain, id) => grain.CommitIngest(id), cancellationToken);

    /// <inheritdoc />
    public Task AbortIngestAsync(string model, string ingestId, CancellationToken cancellationToken = default) =>
        CallAsync(ModelRules.Name(model), ModelRules.Id(ingestId, nameof(ingestId)), static async (grain, id) =>
        {
            await grain.AbortIngest(id);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TrainResult> TrainAsync(string model, CancellationToken cancellationToken = default) =>
        CallAsync(ModelRules.Name(model), 0, static (grain, _) => grain.Train(), cancellationToken);

    /// <inheritdoc />
    public Task<PredictionBatch> PredictAsync(string model, double[][] rows, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        var size = RowBatchSize(rows, nameof(rows));
        if (rows.Length <= size) return ReadAsync(model, rows, static (grain, rows) => grain.Predict(rows), cancellationToken);
        return SessionAsync(model, cancellationToken, async grain =>
        {
            var answers = new List<PredictionBatch>();
            foreach (var batch in rows.Chunk(size))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var answer = await grain.Predict(batch);
                Batches.CheckAnswered(answer.Predictions.Length, batch.Length, "predictions");
                answers.Add(answer);
            }

            return answers[^1] with { Predictions = [.. answers.SelectMany(a => a.Predictions)] };
        });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PredictedRows> PredictAsync(string model, CsvSource rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var (grain, session) = await OpenAsync(ModelRules.Name(model), cancellationToken);
        using var _ = session;
        var config = await session.RunAsync(grain, static (grain, _) => grain.GetConfig());
        var layout = ColumnLayout.ForSchema(rows.Records.Header, LabelColumn.Ignored, config.FeatureNames);
        foreach (var batch in rows.Records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var answer = await session.RunAsync((grain, batch.Features), static (s, _) => s.grain.Predict(s.Features));
            Batches.CheckAnswered(answer.Predictions.Length, batch.Count, "predictions");
            rows.Answered(batch.Count);
            yield return new PredictedRows(config, batch.Ids, answer.Predictions, answer.Version, answer.ShardsUsed.Length);
        }
    }

    /// <inheritdoc />
    public Task<EvaluationResult> EvaluateAsync(string model, double[][] rows, int[] labels, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        RowBatchSize(rows, nameof(rows));
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != rows.Length) throw new ArgumentException($"{labels.Length} labels for {rows.Length} rows", nameof(labels));
        return SessionAsync(model, cancellationToken, grain => Evaluation.OfRowsAsync(grain, rows, labels, cancellationToken));
    }

    /// <inheritdoc />
    public Task<EvaluationResult> EvaluateAsync(string model, CsvSource rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return SessionAsync(ModelRules.Name(model), cancellationToken, async grain =>
            await Evaluation.OfCsvAsync(grain, await grain.GetConfig(), rows, cancellationToken));
    }

    /// <inheritdoc />
    public Task<ForgetReceipt> ForgetAsync(string model, string subject, CancellationToken cancellationToken = default) =>
        CallAsync(ModelRules.Name(model), ModelRules.Id(subject, nameof(subject)), static (grain, subject) => grain.Forget(subject), cancellationToken);

    /// <inheritdoc />
    public Task<ForgetEstimate> EstimateForgetAsync(string model, string subject, double[][] probe, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        ModelRules.Id(subject, nameof(subject));
        RowBatchSize(probe, nameof(probe));
        return SessionAsync(model, cancellationToken, grain => ForgetEstimation.OfRowsAsync(grain, subject, probe, cancellationToken));
    }

    /// <inheritdoc />
    public Task<EstimatedForget> EstimateForgetAsync(string model, string subject, CsvSource probe, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        ModelRules.Id(subject, nameof(subject));
        ArgumentNullException.ThrowIfNull(probe);
        return SessionAsync(model, cancellationToken, async grain =>
            await ForgetEstimation.OfCsvAsync(grain, await grain.GetConfig(), subject, probe, cancellationToken));
    }

    /// <inheritdoc />
    public Task<ModelStatus> GetStatusAsync(string model, CancellationToken cancellationToken = default) =>
        ReadAsync(ModelRules.Name(model), 0, static (grain, _) => grain.GetStatus(), cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ModelStatus> WatchStatusAsync(string model, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "the interval must be positive");
        while (true)
        {
            yield return await GetStatusAsync(model, cancellationToken);
            await Task.Delay(interval, _policy.Time, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<CertificationStatus> GetCertificationAsync(string model, CancellationToken cancellationToken = default) =>
        ReadAsync(ModelRules.Name(model), 0, static (grain, _) => grain.GetCertification(), cancellationToken);

    /// <inheritdoc />
    public Task<int[]> CountRecordsAsync(string model, IReadOnlyList<string> subjects, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        ArgumentNullException.ThrowIfNull(subjects);
        foreach (var subject in subjects) ModelRules.Id(subject, nameof(subject));
        return SessionAsync(model, cancellationToken, async grain =>
        {
            var counts = new List<int>(subjects.Count);
            foreach (var batch in subjects.Chunk(Batches.Size))
            {
                var answer = await grain.CountRecords(batch);
                Batches.CheckAnswered(answer.Length, batch.Length, "counts");
                counts.AddRange(answer);
            }

            return counts.ToArray();
        });
    }

    /// <inheritdoc />
    public Task<ExplanationBatch> ExplainAsync(string model, double[][] rows, int top = ClientLimits.DefaultTop, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        var size = Math.Min(ClientLimits.ExplainBatchRows, RowBatchSize(rows, nameof(rows)));
        Top(top);
        return SessionAsync(model, cancellationToken, async grain =>
        {
            var answers = new List<ExplanationBatch>();
            foreach (var batch in rows.Chunk(size))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var answer = await grain.Explain(batch, top);
                Batches.CheckAnswered(answer.Rows.Length, batch.Length, "explanations");
                answers.Add(answer);
            }

            return answers.Count == 1 ? answers[0] : answers[^1] with { Rows = [.. answers.SelectMany(a => a.Rows)] };
        });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ExplainedRows> ExplainAsync(string model, CsvSource rows, int top = ClientLimits.DefaultTop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Top(top);
        var (grain, session) = await OpenAsync(ModelRules.Name(model), cancellationToken);
        using var _ = session;
        var config = await session.RunAsync(grain, static (grain, _) => grain.GetConfig());
        var layout = ColumnLayout.ForSchema(rows.Records.Header, LabelColumn.Ignored, config.FeatureNames);
        foreach (var batch in rows.Records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount, ClientLimits.ExplainBatchRows)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var explanations = (await session.RunAsync((grain, batch.Features, top), static (s, _) => s.grain.Explain(s.Features, s.top))).Rows;
            Batches.CheckAnswered(explanations.Length, batch.Count, "explanations");
            rows.Answered(batch.Count);
            yield return new ExplainedRows(config, batch.Ids, explanations);
        }
    }

    /// <inheritdoc />
    public Task<VerificationReport> VerifyAsync(string model, CancellationToken cancellationToken = default) =>
        CallAsync(ModelRules.Name(model), 0, static (grain, _) => grain.Verify(), cancellationToken);

    /// <inheritdoc />
    public Task<MembershipAuditReport> AuditMembershipAsync(string model, CsvSource forgotten, CsvSource holdout, int retained = ClientLimits.DefaultRetained,
        int seed = 1, CancellationToken cancellationToken = default)
    {
        ModelRules.Name(model);
        ArgumentNullException.ThrowIfNull(forgotten);
        ArgumentNullException.ThrowIfNull(holdout);
        ModelRules.Range(retained, 1, ClientLimits.MaxAuditRows, nameof(retained));
        return SessionAsync(model, cancellationToken, async grain =>
            await MembershipAuditRun.RunAsync(grain, await grain.GetConfig(), forgotten, holdout, retained, seed));
    }

    /// <summary>
    /// One read of the model's grain (<see cref="CallPolicy.ReadAsync"/>) without a guarded grain in between: the common
    /// case of a service (connected, the grain reference cached) costs one bounded attempt and nothing else.
    /// </summary>
    private Task<T> ReadAsync<TArgument, T>(string model, TArgument argument, Func<IModelGrain, TArgument, Task<T>> read, CancellationToken cancellationToken)
    {
        var grains = _cluster.GrainsAsync(cancellationToken);
        return grains.IsCompletedSuccessfully
            ? ReadAsync(Grain(grains.Result, model), argument, read, cancellationToken)
            : CallAsync(model, argument, read, cancellationToken);
    }

    private Task<T> ReadAsync<TArgument, T>(IModelGrain grain, TArgument argument, Func<IModelGrain, TArgument, Task<T>> read, CancellationToken cancellationToken)
    {
        // A session without a token of the caller's links nothing: nothing to dispose.
        return cancellationToken.CanBeCanceled
            ? LinkedReadAsync(grain, argument, read, cancellationToken)
            : _policy.ReadAsync(grain, argument, read, Session(cancellationToken));
    }

    private async Task<T> LinkedReadAsync<TArgument, T>(IModelGrain grain, TArgument argument, Func<IModelGrain, TArgument, Task<T>> read, CancellationToken cancellationToken)
    {
        using var session = Session(cancellationToken);
        return await _policy.ReadAsync(grain, argument, read, session).ConfigureAwait(false);
    }

    /// <summary>One call to the model's grain, with its argument: a read if <paramref name="call"/> reads, a watched write if it writes.</summary>
    private Task<T> CallAsync<TArgument, T>(string model, TArgument argument, Func<IModelGrain, TArgument, Task<T>> call, CancellationToken cancellationToken) =>
        SessionAsync(model, cancellationToken, grain => call(grain, argument));

    /// <summary>Any number of calls to the model's grain (guarded: <see cref="GuardedModelGrain"/>), as one operation.</summary>
    private async Task<T> SessionAsync<T>(string model, CancellationToken cancellationToken, Func<IModelGrain, Task<T>> work)
    {
        var grain = Grain(await _cluster.GrainsAsync(cancellationToken), model);
        using var session = Session(cancellationToken);
        return await session.RunAsync((grain, work, _policy), static (s, session) => s.work(new GuardedModelGrain(s.grain, session, s._policy))).ConfigureAwait(false);
    }

    /// <summary>The model's guarded grain for a stream of calls (a CSV source read batch by batch), and the session that stops them.</summary>
    private async ValueTask<(IModelGrain Grain, CallSession Session)> OpenAsync(string model, CancellationToken cancellationToken)
    {
        var grains = await _cluster.GrainsAsync(cancellationToken);
        var session = Session(cancellationToken);
        return (new GuardedModelGrain(Grain(grains, model), session, _policy), session);
    }

    private CallSession Session(CancellationToken cancellationToken) => new(cancellationToken, _cluster.Lost, _cluster.Where);

    private IModelGrain Grain(IGrainFactory grains, string model)
    {
        if (!_grains.TryGetValue(model, out var grain))
        {
            grain = ReplicaServedModel.Of(grains, model);
            if (_grains.Count < CachedModels) _grains.TryAdd(model, grain);
        }

        return grain;
    }

    private static string IngestId(string? ingestId) => ingestId is null ? Guid.NewGuid().ToString("N") : ModelRules.Id(ingestId, nameof(ingestId));

    private static void Top(int top)
    {
        if (!ModelLimits.IsValidTop(top)) ModelRules.Range(top, 1, ModelLimits.MaxTop, nameof(top));
    }

    /// <summary>Rows for one call of this width; an error for no rows, a null row, or rows of different widths.</summary>
    private static int RowBatchSize(double[][] rows, string name)
    {
        ArgumentNullException.ThrowIfNull(rows, name);
        if (rows.Length == 0) throw new ArgumentException("no rows", name);
        var width = rows[0]?.Length ?? throw new ArgumentException("row 0 is null", name);
        for (var i = 1; i < rows.Length; i++)
        {
            if (rows[i]?.Length != width) throw new ArgumentException($"row {i} has {rows[i]?.Length.ToString() ?? "no"} values, row 0 has {width}", name);
        }

        return Batches.RowsFor(width);
    }
}
