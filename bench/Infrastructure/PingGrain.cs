using Orleans.Concurrency;

namespace Unlearning.Bench.Infrastructure;

/// <summary>
/// The serving baseline: a grain call that does no work, through the same client, gateway and silos as a
/// prediction. Whatever a prediction costs beyond this is the model grain's own doing.
/// </summary>
[Alias("Unlearning.Bench.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")] Task<int> Ping(int value);

    /// <summary>Takes a batch of rows and returns their count: the transport's limit for rows in.</summary>
    [Alias("Sink")] Task<int> Sink(double[][] rows);
}

[Reentrant]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value);

    public Task<int> Sink(double[][] rows) => Task.FromResult(rows.Length);
}

/// <summary>
/// The baseline with a replica's hops: a no-op stateless worker, answered by the silo the call arrives at, as a
/// prediction through <see cref="IModelReader"/> is.
/// </summary>
[Alias("Unlearning.Bench.ILocalPingGrain")]
public interface ILocalPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")] Task<int> Ping(int value);
}

[StatelessWorker, Reentrant]
public sealed class LocalPingGrain : Grain, ILocalPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value);
}
