using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Unlearning.Learning;
using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Unlearning.Wire;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Storage;

/// <summary>
/// Three Silo processes on PostgreSQL; a client ingests, trains, forgets and predicts while one silo is
/// SIGKILLed and another joins. Nothing acknowledged is lost, predictions resume, forgotten subjects stay forgotten.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    private const int Shards = 6, Slices = 3;
    private static readonly TimeSpan OperationDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Acknowledged_work_survives_a_killed_silo_and_a_joining_one_on_postgres()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("kill");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var clusterId = $"kill-{Guid.NewGuid():N}"[..16];
        string[] siloArguments =
        [
            "--postgres", database.ConnectionString, "--cluster-id", clusterId,
            // Fast failure detection, so the test does not wait the production defaults out; yet slack enough that a silo
            // slowed by a loaded machine is not voted dead (seen once with 1 s and 2 misses): the killed one refuses
            // connections, so its probes fail at once whatever the timeout.
            "--Membership:ProbeTimeout", "00:00:02", "--Membership:NumMissedProbesLimit", "3",
            "--Membership:TableRefreshTimeout", "00:00:02", "--Membership:IAmAliveTablePublishTimeout", "00:00:05",
            "--Storage:VacuumInterval", "00:00:02",
            "--Logging:LogLevel:Default", "Warning",
        ];
        var silos = new List<SiloProcess>();
        try
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++) silos.Add(SiloProcess.Start($"silo{i}", siloArguments));
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            output.WriteLine($"3 silo processes ready in {clock.ElapsedMilliseconds} ms");

            using var client = await ConnectAsync(database.ConnectionString, clusterId);
            var grains = client.Services.GetRequiredService<IClusterClient>();

            var data = Dataset.Wdbc();
            var (train, holdout) = data.Split();
            train = StorageAudit.WithUniqueFeatures(train);
            var rows = Rows(holdout.Take(30));
            var name = ClusterFixture.UniqueName("kill");
            var model = grains.GetGrain<IModelGrain>(name);
            await Retry("create", () => model.Create(data.Config(name, Shards, Slices)));

            var acknowledged = new List<DataRecord>();
            var forgotten = new List<string>();
            var firstHalf = train.Take(train.Length / 2).ToArray();
            foreach (var batch in ShardBatches(firstHalf, 20)) await IngestAsync(model, batch, acknowledged);
            await Retry("train", () => model.Train());

            // The victim: the silo hosting most of the model's shards, so that the kill loses activations.
            var placement = (await Retry("status", () => model.GetStatus())).Shards.Select(sh => sh.Silo).ToArray();
            var victim = silos.OrderByDescending(s => placement.Count(p => p.Contains($":{s.SiloPort}:", StringComparison.Ordinal))).First();
            output.WriteLine($"shards on {string.Join(", ", placement)}; victim {victim.Name} (port {victim.SiloPort})");

            // Predictions run all along; after the kill they must come back.
            var killedAt = TimeSpan.MaxValue;
            var firstAnswerAfterKill = TimeSpan.MaxValue;
            var predictionsAfterKill = 0;
            using var stopPredicting = new CancellationTokenSource();
            var predicting = Task.Run(async () =>
            {
                while (!stopPredicting.IsCancellationRequested)
                {
                    var issued = clock.Elapsed;
                    try
                    {
                        // A call whose gateway died waits for the response timeout: an interactive caller gives up sooner and asks again.
                        await model.Predict(rows).WaitAsync(TimeSpan.FromSeconds(3));
                        if (issued > killedAt && Interlocked.Increment(ref predictionsAfterKill) == 1) firstAnswerAfterKill = clock.Elapsed;
                    }
                    catch (Exception) { await Task.Delay(100); }
                }
            });

            // The rest is ingested in small one-shard batches with a forget every third batch; a third of the
            // way in, the victim is SIGKILLed; two thirds in, a new silo joins and the work goes on past it.
            var batches = ShardBatches(train.Skip(firstHalf.Length), 6).ToArray();
            SiloProcess? joining = null;
            for (var step = 0; step < batches.Length; step++)
            {
                if (step == batches.Length / 3)
                {
                    var inFlight = IngestAsync(model, batches[step], acknowledged);
                    victim.Kill();
                    killedAt = clock.Elapsed;
                    output.WriteLine($"SIGKILLed {victim.Name} at {killedAt.TotalSeconds:F1} s, with an ingest in flight");
                    await inFlight;
                }
                else
                {
                    await IngestAsync(model, batches[step], acknowledged);
                }
                if (step == 2 * batches.Length / 3)
                {
                    joining = SiloProcess.Start("silo3", siloArguments);
                    silos.Add(joining);
                    await joining.WaitReadyAsync(TimeSpan.FromSeconds(90));
                    output.WriteLine($"{joining.Name} joined at {clock.Elapsed.TotalSeconds:F1} s");
                }
                if (step % 3 == 2)
                {
                    var subject = acknowledged.Select(r => r.Subject).First(s => !forgotten.Contains(s));
                    var receipt = await Retry($"forget {subject}", () => model.Forget(subject));
                    forgotten.Add(subject);
                    output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: forgot {subject} ({receipt.RecordsRemoved} records) in {receipt.ElapsedMs} ms");
                }
            }
            Assert.NotNull(joining);
            await Retry("train", () => model.Train());
            await Task.Delay(500);
            stopPredicting.Cancel();
            await predicting;
            var final = await Retry("predict", () => model.Predict(rows));
            Assert.Equal(rows.Length, final.Predictions.Length);
            output.WriteLine($"{acknowledged.Count} records and {forgotten.Count} forgets acknowledged; {predictionsAfterKill} predictions " +
                $"answered after the kill, the first {(firstAnswerAfterKill - killedAt).TotalSeconds:F1} s after it");
            Assert.True(predictionsAfterKill > 0, "no prediction answered after the kill");

            // Every acknowledged ingest is there, no forgotten subject is.
            var stored = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in acknowledged.GroupBy(r => Partitioning.ShardOf(r.Subject, Shards)))
            {
                stored.UnionWith(await Retry($"records of shard {group.Key}",
                    () => grains.GetGrain<IShardGrain>(ShardKey.For(name, group.Key)).FindStored(new ShardSetup(data.Config(name, Shards, Slices), null), [.. group])));
            }

            var gone = acknowledged.Where(r => forgotten.Contains(r.Subject)).ToArray();
            var kept = acknowledged.Where(r => !forgotten.Contains(r.Subject)).ToArray();
            var lost = kept.Select(r => r.Id).Where(id => !stored.Contains(id)).ToArray();
            Assert.True(lost.Length == 0, $"acknowledged records lost: {string.Join(", ", lost.Take(10))}");
            var resurrected = gone.Select(r => r.Id).Where(stored.Contains).ToArray();
            Assert.True(resurrected.Length == 0, $"forgotten records back: {string.Join(", ", resurrected.Take(10))}");
            var status = await Retry("status", () => model.GetStatus());
            Assert.True(status.Trained);
            Assert.Equal(stored.Count, status.Records);
            Assert.All(status.Shards, s => Assert.Equal(ShardServingState.Serving, s.State));
            Assert.DoesNotContain(status.Shards, s => s.Silo.Contains($":{victim.SiloPort}:", StringComparison.Ordinal));

            // The store holds nothing of the forgotten records, in its rows and (once the scrubs that the killed silo owed are
            // paid, as the silos' maintenance does after its grace) its table files.
            await new GrainStateScrubber(database.Storage().Validated(),
                NullLogger<GrainStateScrubber>.Instance).ScrubOwedAsync(TimeSpan.Zero, wait: true);
            var audit = await StorageAudit.PostgresRowsAsync(database.ConnectionString);
            audit.AddRange(await StorageAudit.PostgresGrainStateFilesAsync(database.ConnectionString) ?? []);
            var traces = StorageAudit.Find(audit, StorageAudit.NeedlesOf(gone));
            Assert.True(traces.Count == 0, "forgotten records still stored:\n" + string.Join("\n", traces.Take(20)));

            // The killed silo was declared dead in the membership table; the three others are active.
            var statuses = await MembershipAsync(database.ConnectionString, clusterId);
            Assert.Equal(6, statuses[victim.SiloPort]);
            Assert.All(silos.Where(s => s != victim), s => Assert.Equal(3, statuses[s.SiloPort]));
        }
        catch
        {
            foreach (var silo in silos) output.WriteLine($"--- {silo.Name} ---\n{silo.Output}");
            throw;
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }

    /// <summary>Batches whose records all belong to one shard, so that an ingest is stored whole or not at all.</summary>
    private static IEnumerable<DataRecord[]> ShardBatches(IEnumerable<DataRecord> records, int size) =>
        records.GroupBy(r => Partitioning.ShardOf(r.Subject, Shards)).SelectMany(g => g.Chunk(size))
            .OrderBy(b => StableKeyHash.Of(b[0].Id, 7));

    private async Task IngestAsync(IModelGrain model, DataRecord[] batch, List<DataRecord> acknowledged)
    {
        // A retry after an attempt whose answer was lost finds the records already stored: that acknowledges them too.
        await Retry($"ingest {batch[0].Id}..", () => model.Ingest(batch),
            accept: error => error is ArgumentException && error.Message.Contains("duplicate record id", StringComparison.Ordinal)
                ? new IngestResult(batch.Length, -1) : null);
        acknowledged.AddRange(batch);
    }

    private async Task<T> Retry<T>(string what, Func<Task<T>> operation, Func<Exception, T?>? accept = null) where T : class
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (Exception error) when (deadline.Elapsed < OperationDeadline)
            {
                if (accept?.Invoke(error) is { } accepted) return accepted;
                output.WriteLine($"{what}: attempt {attempt} failed ({error.GetType().Name}: {error.Message.Split('\n')[0]})");
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 200 * attempt)));
            }
        }
    }

    // The test reads shards' records through IShardGrain.FindStored, an internal method: with the cluster's key, which
    // it can read as it reads the database.
    private static Task<IHost> ConnectAsync(string connectionString, string clusterId) =>
        MembershipClient.ConnectAsync(connectionString, clusterId, new MembershipClientOptions(InternalCalls: true, ResponseTimeout: TimeSpan.FromSeconds(20)));

    /// <summary>Silo port → status in the membership table, once the killed silo is declared dead (waits up to a minute).</summary>
    private static async Task<Dictionary<int, int>> MembershipAsync(string connectionString, string clusterId)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var statuses = new Dictionary<int, int>();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT port, status FROM membership_silo WHERE deployment_id = @cluster ORDER BY generation", connection);
                command.Parameters.AddWithValue("cluster", clusterId);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) statuses[reader.GetInt32(0)] = reader.GetInt32(1);
            }
            if (statuses.Count >= 4 && statuses.Values.Count(v => v == 6) >= 1 || deadline.Elapsed > TimeSpan.FromMinutes(1)) return statuses;
            await Task.Delay(500);
        }
    }
}
