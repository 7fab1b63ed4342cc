using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Unlearning.Model;
using Unlearning.Telemetry;
using Unlearning.Wire;

namespace Unlearning.Serving;

/// <summary>
/// Answers predictions on the silo the call arrives at, from that silo's replica of the model's ensemble
/// (<see cref="ReplicaCache"/>), fetching it from the model grain when there is none; a prediction that cannot use a
/// replica (one was invalidated while it was fetched) is sent to the model grain.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ModelReaderGrain(ReplicaCache replicas, IOptions<UnlearningOptions> options, UnlearningMetrics metrics) : Grain, IModelReader
{
    private string Name => this.GetPrimaryKeyString();

    public Task<PredictionBatch> Predict(double[][] rows)
    {
        var started = Stopwatch.GetTimestamp();
        var replica = replicas.For(Name);
        return replica.Enter() is { } served ? Task.FromResult(Answer(served, rows, started)) : PredictFetchingAsync(replica, rows, started);
    }

    private async Task<PredictionBatch> PredictFetchingAsync(ModelReplica replica, double[][] rows, long started)
    {
        replicas.SweepNowAndThen();
        var model = Name;
        await replica.FetchAsync(() => GrainFactory.GetGrain<IModelServing>(model).GetServingSet());
        return replica.Enter() is { } served ? Answer(served, rows, started) : await GrainFactory.GetGrain<IModelGrain>(model).Predict(rows);
    }

    private PredictionBatch Answer(Replica served, double[][] rows, long started)
    {
        try
        {
            RecordValidation.CheckRows(rows, served.Config, options.Value.MaxBatchRows);
            var batch = served.Predict(rows);
            metrics.Predicted(Name, rows.Length, started);
            return batch;
        }
        finally
        {
            served.Exit();
        }
    }
}
