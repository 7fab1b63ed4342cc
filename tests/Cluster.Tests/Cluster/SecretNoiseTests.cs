using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Unlearning.Removal;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

/// <summary>Certified removal's noise stays secret: no reply of any client-facing call carries the seed, the key or a refit's noise seed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SecretNoiseTests(ClusterFixture cluster)
{
    private const ulong Seed = 0x5EC2E7_5EED_0001;

    [Fact]
    public async Task No_reply_of_any_client_facing_method_carries_the_noise_secret()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("secret");
        var config = data.CertifiedConfig(name, 2, noiseSeed: Seed);
        var model = cluster.Model(name);
        var rows = Rows(holdout.Take(5));
        var audit = new AuditRows(rows, [.. holdout.Take(5).Select(r => r.Label)], [.. holdout.Take(5).Select(r => r.Subject)]);
        var ingest = Guid.NewGuid().ToString("N");

        // Every method of the client contract, each called once (in an order that makes sense), its reply kept.
        var replies = new List<(string Method, object? Reply)>();
        async Task Call<T>(string method, Func<Task<T>> call) => replies.Add((method, await call()));
        async Task CallVoid(string method, Func<Task> call)
        {
            await call();
            replies.Add((method, null));
        }
        await Call(nameof(IModelGrain.Create), () => model.Create(config));
        await Call(nameof(IModelGrain.GetConfig), model.GetConfig);
        await Call(nameof(IModelGrain.StageIngest), () => model.StageIngest(ingest, train[..200]));
        await Call(nameof(IModelGrain.CommitIngest), () => model.CommitIngest(ingest));
        await CallVoid(nameof(IModelGrain.AbortIngest), () => model.AbortIngest(Guid.NewGuid().ToString("N")));
        await Call(nameof(IModelGrain.Ingest), () => model.Ingest(train[200..]));
        await Call(nameof(IModelGrain.Train), model.Train);
        await Call(nameof(IModelGrain.Predict), () => model.Predict(rows));
        await Call($"{nameof(IModelReader)}.{nameof(IModelReader.Predict)}", () => cluster.Client.GetGrain<IModelReader>(config.Name).Predict(rows));
        await Call(nameof(IModelGrain.Evaluate), () => model.Evaluate(rows, [.. holdout.Take(5).Select(r => r.Label)]));
        await Call(nameof(IModelGrain.EstimateForget), () => model.EstimateForget(train[3].Subject, rows));
        await Call(nameof(IModelGrain.Forget), () => model.Forget(train[3].Subject));
        await Call(nameof(IModelGrain.GetStatus), model.GetStatus);
        await Call(nameof(IModelGrain.GetCertification), model.GetCertification);
        await Call(nameof(IModelGrain.CountRecords), () => model.CountRecords([train[3].Subject, train[4].Subject]));
        await Call(nameof(IModelGrain.Watch), () => model.Watch("a-call"));
        await Call(nameof(IModelGrain.Verify), model.Verify);
        await Call(nameof(IModelGrain.AuditPredictions), () => model.AuditPredictions(audit, audit, 10));
        await Assert.ThrowsAsync<InvalidOperationException>(() => model.Explain(rows, 3)); // certified models do not explain
        // Last: it removes the model.
        await Call(nameof(IModelGrain.Delete), model.Delete);

        var covered = replies.Select(r => r.Method).Append(nameof(IModelGrain.Explain)).ToHashSet();
        var contract = typeof(IModelGrain).GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => m.Name).ToHashSet();
        Assert.Empty(contract.Except(covered)); // a new method must be added here

        var key = SHA256.HashData(BitConverter.GetBytes(Seed));
        var secrets = new List<(string What, byte[] Bytes)> { ("seed", BitConverter.GetBytes(Seed)), ("key", key) };
        for (var shard = 0; shard < 2; shard++)
        {
            for (var refit = 1; refit <= 3; refit++)
                secrets.Add(($"shard {shard} refit {refit} noise seed", BitConverter.GetBytes(CertifiedConfig.NoiseSeed(key, shard, refit))));
        }

        var serializer = cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        foreach (var (method, reply) in replies.Where(r => r.Reply is not null))
        {
            var bytes = serializer.SerializeToArray(reply);
            foreach (var (what, secret) in secrets)
                Assert.True(bytes.AsSpan().IndexOf(secret) < 0, $"the reply of {method} carries the {what}");
        }
        Assert.Equal(0UL, ((ModelConfig)replies.First(r => r.Method == nameof(IModelGrain.GetConfig)).Reply!).Certified!.NoiseSeed);
    }
}
