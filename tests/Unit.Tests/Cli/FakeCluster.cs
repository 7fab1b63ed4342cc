using System.Reflection;

namespace Unlearning.Tests.Cli;

/// <summary>
/// An <see cref="IClusterClient"/> that hands out <see cref="FakeModelGrain"/>s, so commands run in-process
/// without silos. Not sealed: <see cref="DispatchProxy"/> generates a subclass.
/// </summary>
public class FakeCluster : DispatchProxy
{
    internal Dictionary<string, FakeModelGrain> Models { get; } = [];

    internal static (IClusterClient Client, FakeCluster Cluster) Create()
    {
        var client = DispatchProxy.Create<IClusterClient, FakeCluster>();
        return (client, (FakeCluster)(object)client);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        // A model's read replica is the fake model itself: it predicts as the model does.
        if (method is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true }
            && (method.GetGenericArguments()[0] == typeof(IModelGrain) || method.GetGenericArguments()[0] == typeof(IModelReader))
            && args is [string name, ..])
        {
            if (!Models.TryGetValue(name, out var grain))
            {
                Models[name] = grain = new FakeModelGrain(name);
            }

            return grain;
        }

        if (method is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true }
            && method.GetGenericArguments()[0] == typeof(IForgetRequestGrain)
            && args is [string id, ..])
        {
            return new FakeRequestGrain(id, this);
        }

        throw new NotSupportedException($"the fake cluster does not support {method?.Name}");
    }
}

/// <summary>
/// Records what the client sends; predicts label 1 when a row's first feature is positive, with
/// probabilities that are not round decimals so that JSON round-tripping is exercised. A forget dry run
/// estimates each row as if its first feature were one lower; an explanation names records after the row's first feature.
/// </summary>
internal sealed class FakeModelGrain(string name) : IModelGrain, IModelReader
{
    public ModelConfig? Config { get; set; }
    public List<DataRecord[]> IngestBatches { get; } = [];
    public List<double[][]> PredictBatches { get; } = [];
    public List<(double[][] Rows, int[] Labels)> EvaluateCalls { get; } = [];
    public List<string> Forgotten { get; } = [];
    public List<(string Subject, double[][] Probe)> EstimateCalls { get; } = [];
    public List<(double[][] Rows, int Top)> ExplainCalls { get; } = [];
    public ForgetReceipt? Receipt { get; set; }
    public ForgetMethod EstimateMethod { get; set; } = ForgetMethod.Influence;
    /// <summary>The budget each of the two shards reports in its status.</summary>
    public CertifiedBudget?[] Budgets { get; set; } = [null, null];

    /// <summary>Per shard, the expected bound per removal and the removals left that GetCertification reports.</summary>
    public (double? StepBound, long? RemovalsLeft)[] Forecasts { get; set; } = [];
    public Exception? Failure { get; set; }
    /// <summary>False: ingest and predict batches are counted but not kept, for inputs larger than a test should hold.</summary>
    public bool KeepBatches { get; set; } = true;
    /// <summary>Called on every ingest and predict batch, after it is counted.</summary>
    public Action? OnBatch { get; set; }
    public long IngestedRows { get; private set; }
    public long PredictedRows { get; private set; }

    public Task<ModelConfig> Create(ModelConfig config)
    {
        ThrowIfFailing();
        Config = config;
        return Task.FromResult(config);
    }

    public Task<ModelConfig> GetConfig()
    {
        ThrowIfFailing();
        return Task.FromResult(Config ?? throw new KeyNotFoundException($"unknown model '{name}': it does not exist (or was deleted)"));
    }

    /// <summary>Staged batches by ingest id (kept only with <see cref="KeepBatches"/>), until committed (then in <see cref="IngestBatches"/>) or aborted.</summary>
    public Dictionary<string, List<DataRecord[]>> Staged { get; } = [];
    private readonly Dictionary<string, long> _stagedRows = [];
    public List<string> Aborted { get; } = [];

    public Task<IngestResult> StageIngest(string ingestId, DataRecord[] records)
    {
        ThrowIfFailing();
        if (!Staged.TryGetValue(ingestId, out var batches)) Staged[ingestId] = batches = [];
        if (KeepBatches) batches.Add(records);
        _stagedRows[ingestId] = _stagedRows.GetValueOrDefault(ingestId) + records.Length;
        OnBatch?.Invoke();
        return Task.FromResult(new IngestResult(records.Length, IngestedRows));
    }

    public Task<IngestResult> CommitIngest(string ingestId)
    {
        ThrowIfFailing();
        IngestBatches.AddRange(Staged[ingestId]);
        Staged.Remove(ingestId);
        _stagedRows.Remove(ingestId, out var rows);
        IngestedRows += rows;
        return Task.FromResult(new IngestResult((int)rows, IngestedRows));
    }

    public Task AbortIngest(string ingestId)
    {
        Staged.Remove(ingestId);
        _stagedRows.Remove(ingestId);
        Aborted.Add(ingestId);
        return Task.CompletedTask;
    }

    public Task<IngestResult> Ingest(DataRecord[] records)
    {
        ThrowIfFailing();
        IngestedRows += records.Length;
        if (KeepBatches) IngestBatches.Add(records);
        OnBatch?.Invoke();
        return Task.FromResult(new IngestResult(records.Length, IngestedRows));
    }

    public Task<TrainResult> Train()
    {
        ThrowIfFailing();
        return Task.FromResult(new TrainResult(name, IngestedRows, 3, 7, 42));
    }

    public Task<PredictionBatch> Predict(double[][] rows)
    {
        ThrowIfFailing();
        PredictedRows += rows.Length;
        if (KeepBatches) PredictBatches.Add(rows);
        OnBatch?.Invoke();
        // Every shard answers: 8, as the harness's configs have.
        return Task.FromResult(new PredictionBatch([.. rows.Select(PredictRow)], 7, [.. Enumerable.Range(0, 8).Select(i => new ShardVersion(i, 1, 0))]));
    }

    public Task<EvaluationResult> Evaluate(double[][] rows, int[] labels)
    {
        ThrowIfFailing();
        EvaluateCalls.Add((rows, labels));
        var correct = rows.Where((row, i) => PredictRow(row).Label == labels[i]).Count();
        return Task.FromResult(new EvaluationResult(name, rows.Length, (double)correct / rows.Length, 6 + EvaluateCalls.Count, 8));
    }

    /// <summary>Forget calls that reached the grain, failed or not.</summary>
    public int ForgetAttempts { get; private set; }

    public Task<ForgetReceipt> Forget(string subject)
    {
        ForgetAttempts++;
        ThrowIfFailing();
        Forgotten.Add(subject);
        return Task.FromResult(Receipt ?? new ForgetReceipt("req-1", name, subject, 3, 2, 1, 10, 12, ForgetMethod.Exact, 5, 8));
    }

    public Task<DeleteResult> Delete()
    {
        var config = Config ?? throw new KeyNotFoundException($"unknown model '{name}': it does not exist (or was deleted)");
        Config = null;
        return Task.FromResult(new DeleteResult(name, IngestedRows, config.Shards));
    }

    public Task<ForgetEstimate> EstimateForget(string subject, double[][] probe)
    {
        ThrowIfFailing();
        EstimateCalls.Add((subject, probe));
        return Task.FromResult(new ForgetEstimate(name, subject, 3, 2, EstimateMethod,
            [.. probe.Select(PredictRow)], [.. probe.Select(EstimateRow)], 6 + EstimateCalls.Count));
    }

    public Task<ExplanationBatch> Explain(double[][] rows, int top)
    {
        ThrowIfFailing();
        ExplainCalls.Add((rows, top));
        return Task.FromResult(new ExplanationBatch([.. rows.Select(row => ExplainRow(row, top))], 7));
    }

    public Task<CallWatch> Watch(string call) => Task.FromResult(new CallWatch("fake", CallProgress.Running));

    public VerificationReport? Verification { get; set; }
    public Func<AuditRows, AuditRows, int, AuditPredictions>? Audit { get; set; }

    public Task<VerificationReport> Verify() => Task.FromResult(Verification ?? throw new InvalidOperationException("not set"));

    public Task<AuditPredictions> AuditPredictions(AuditRows forgotten, AuditRows holdout, int retainedSample) =>
        Task.FromResult((Audit ?? throw new InvalidOperationException("not set"))(forgotten, holdout, retainedSample));

    public Task<CertificationStatus> GetCertification()
    {
        ThrowIfFailing();
        if (Config?.Certified is not { } certified) throw new InvalidOperationException($"model '{name}' uses exact unlearning");
        return Task.FromResult(new CertificationStatus(name, certified.Epsilon, certified.Delta,
            [.. Budgets.Select((budget, i) => new ShardCertification(i, budget, budget is null ? 0 : 1,
                i < Forecasts.Length ? Forecasts[i].StepBound : null, i < Forecasts.Length ? Forecasts[i].RemovalsLeft : null))],
            certified.Sigma, Config.Lambda, certified.Removals));
    }

    public Task<int[]> CountRecords(string[] subjects) =>
        Task.FromResult(subjects.Select(s => IngestBatches.SelectMany(b => b).Count(r => r.Subject == s)).ToArray());

    public Task<ModelStatus> GetStatus()
    {
        ThrowIfFailing();
        return Task.FromResult(new ModelStatus(name, 5, true, 9,
        [
            new ShardStatus(0, 3, 4, ShardServingState.Serving, "S127.0.0.1:11111:1", [1, 1], 0),
            new ShardStatus(1, 2, 5, ShardServingState.Retraining, "S127.0.0.1:11112:1", [2, 1], 1),
        ], Config: Config));
    }

    public static Prediction PredictRow(double[] row)
    {
        var p1 = 1 / (1 + Math.Exp(-row[0] / 3));
        return new Prediction(row[0] > 0 ? 1 : 0, [1 - p1, p1]);
    }

    /// <summary>The dry run's "after": the prediction for the row with its first feature one lower.</summary>
    public static Prediction EstimateRow(double[] row) => PredictRow([row[0] - 1, .. row[1..]]);

    /// <summary><paramref name="top"/> records each way, named "up:{x}:{k}" and "down:{x}:{k}" after the row's first feature x.</summary>
    public static Explanation ExplainRow(double[] row, int top) => new(
        PredictRow(row).Label,
        [.. Enumerable.Range(0, top).Select(k => new RecordInfluence($"up:{row[0]}:{k}", k % 3, (top - k) / 3.0))],
        [.. Enumerable.Range(0, top).Select(k => new RecordInfluence($"down:{row[0]}:{k}", k % 3, -(top - k) / 7.0))]);

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}

/// <summary>A forget request that forgets each subject on the fake model it names (no durability: the fake keeps nothing).</summary>
internal sealed class FakeRequestGrain(string id, FakeCluster cluster) : IForgetRequestGrain
{
    public async Task<SubjectForget[]> Submit(ForgetOrder order)
    {
        var model = order.Model is { } name && cluster.Models.TryGetValue(name, out var found)
            ? found
            : throw new KeyNotFoundException($"unknown model '{order.Model}': it does not exist (or was deleted)");
        var results = new List<SubjectForget>();
        foreach (var subject in order.Subjects)
            results.Add(new SubjectForget(subject, [(await model.Forget(subject)) with { RequestId = id }]));
        return [.. results];
    }

    public Task<ForgetRequestStatus> GetStatus() => throw new NotSupportedException();

    public Task<CallWatch> Watch(string call) => Task.FromResult(new CallWatch("fake", CallProgress.Running));
}
