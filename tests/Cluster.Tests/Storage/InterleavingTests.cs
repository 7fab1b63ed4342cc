using System.Globalization;
using Unlearning.Learning;
using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Storage;

/// <summary>
/// A property: however ingests, trains, forgets and restarts interleave, the model ends bit-identical to a fresh build of
/// the records it keeps. Seeded, reproducible sequences (UNLEARNING_INTERLEAVINGS of them, 200 by default, from
/// UNLEARNING_INTERLEAVING_SEED) on a two-silo cluster storing its state in PostgreSQL (SQLite without a server outside
/// CI), so a restart reloads it.
/// </summary>
public sealed class InterleavingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TempDirectory _directory = null!;
    private TestDatabase? _database;
    private StorageCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _directory = new TempDirectory("interleavings");
        _database = await TestPostgres.CreateDatabaseAsync("interleavings");
        _cluster = await StorageCluster.StartAsync(_database is null
            ? new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = _directory.Path }
            : _database.Storage());
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Random_interleavings_of_ingest_train_forget_and_restart_end_bit_identical_to_a_fresh_build()
    {
        var count = Setting("UNLEARNING_INTERLEAVINGS", 200);
        var first = Setting("UNLEARNING_INTERLEAVING_SEED", 1);
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var probe = Rows(holdout.Take(40));
        var (restarts, forgets, ingests) = (0, 0, 0);
        for (var seed = first; seed < first + count; seed++)
        {
            var (r, f, i) = await RunAsync(seed, data, train, probe);
            (restarts, forgets, ingests) = (restarts + r, forgets + f, ingests + i);
        }
        output.WriteLine($"{count} sequences: {ingests} ingests, {forgets} forgets, {restarts} restarts");
    }

    private async Task<(int Restarts, int Forgets, int Ingests)> RunAsync(int seed, Dataset data, DataRecord[] train, double[][] probe)
    {
        var random = new Random(seed);
        // Some subjects own several records, so a forget takes more than one.
        var pool = train.Select((r, i) => i % 13 < 2 ? r with { Subject = $"family-{i / 13}" } : r)
            .GroupBy(r => r.Subject).Select(g => g.ToArray()).OrderBy(_ => random.Next()).ToArray();
        var config = data.Config($"il-{seed}-{Guid.NewGuid():N}"[..24], random.Next(2, 5), random.Next(1, 4));
        var model = _cluster.Model(config.Name);
        await model.Create(config);
        var held = new List<DataRecord[]>();
        var next = 0;
        var log = new List<string>();
        var (restarts, forgets, ingests) = (0, 0, 0);
        try
        {
            for (var step = random.Next(6, 13); step > 0; step--)
            {
                switch (random.Next(10))
                {
                    case < 4 when next < pool.Length:
                        var take = Math.Min(pool.Length - next, random.Next(3, 40));
                        var batch = pool[next..(next + take)];
                        next += take;
                        await model.Ingest([.. batch.SelectMany(s => s)]);
                        held.AddRange(batch);
                        ingests++;
                        log.Add($"ingest {batch.Sum(s => s.Length)}");
                        break;
                    case < 6 when held.Count > 1:
                        var gone = held[random.Next(held.Count)];
                        held.Remove(gone);
                        var receipt = await model.Forget(gone[0].Subject);
                        Assert.Equal(gone.Length, receipt.RecordsRemoved);
                        forgets++;
                        log.Add($"forget {gone[0].Subject}");
                        break;
                    case < 8 when held.Count > 0:
                        await model.Train();
                        log.Add("train");
                        break;
                    case 8:
                        log.Add(await RestartAsync(random));
                        restarts++;
                        break;
                }
            }
            if (held.Count == 0)
            {
                await model.Ingest([.. pool[next]]);
                held.Add(pool[next]);
            }
            await model.Train();

            var surviving = held.SelectMany(s => s).ToArray();
            var fresh = _cluster.Model($"{config.Name}-f");
            await fresh.Create(config with { Name = $"{config.Name}-f" });
            foreach (var batch in surviving.OrderBy(r => StableKeyHash.Of(r.Id, (ulong)seed)).Chunk(97)) await fresh.Ingest(batch);
            await fresh.Train();

            Assert.Equal(surviving.Length, (await model.GetStatus()).Records);
            var expected = await fresh.Predict(probe);
            var actual = await model.Predict(probe);
            Assert.Equal(expected.ShardsUsed.Select(s => s.Shard), actual.ShardsUsed.Select(s => s.Shard));
            Assert.Equal(expected.Predictions.Select(p => Bits(p.Probabilities)), actual.Predictions.Select(p => Bits(p.Probabilities)));
            return (restarts, forgets, ingests);
        }
        catch
        {
            output.WriteLine($"seed {seed} (S={config.Shards} R={config.Slices}): {string.Join(", ", log)}");
            throw;
        }
    }

    /// <summary>Now and then a silo restarts for real; otherwise every activation is collected, so every grain reloads from SQLite.</summary>
    private async Task<string> RestartAsync(Random random)
    {
        if (random.Next(6) == 0)
        {
            var secondary = _cluster.Cluster.Silos.Skip(1).First();
            await _cluster.Cluster.RestartSiloAsync(secondary);
            await _cluster.Cluster.WaitForLivenessToStabilizeAsync();
            return "silo restart";
        }
        await _cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        return "all grains deactivated";
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
