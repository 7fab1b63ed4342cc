using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Unlearning.Model;
using Unlearning.Wire;

namespace Unlearning.Tests.Model;

public sealed class IngestCoordinatorTests
{
    /// <summary>A shard that counts what it was told, and can be made to fail.</summary>
    private sealed class FakeShard(int index, List<string> log) : IShardGrain
    {
        public bool Down { get; set; }
        public int Staged { get; set; } = 5;
        public Task Gate { get; set; } = Task.CompletedTask;

        public async Task<CommitResult> CommitIngest(string ingestId)
        {
            log.Add($"commit {index}");
            await Gate;
            return Down ? throw new TimeoutException() : new CommitResult(Staged, 100 + Staged);
        }

        public Task AbortIngest(string ingestId)
        {
            log.Add($"abort {index}");
            return Down ? Task.FromException(new TimeoutException()) : Task.CompletedTask;
        }

        public Task<StageResult> Stage(ShardSetup setup, string ingestId, DataRecord[] records) => throw new NotSupportedException();
        public Task StartTraining(ShardSetup setup) => throw new NotSupportedException();
        public Task<Unlearning.Removal.PilotMeasurement?[]> Calibrate(ShardSetup setup, Unlearning.Removal.CalibrationCandidate[] candidates) => throw new NotSupportedException();
        public Task<ShardSnapshot> WaitUntilTrained() => throw new NotSupportedException();
        public Task<ForgetAcceptance[]> Forget(string[] subjects, bool moreComing) => throw new NotSupportedException();
        public Task<ShardSnapshot> GetSnapshot() => throw new NotSupportedException();
        public Task<string[]> FindStored(ShardSetup setup, DataRecord[] records) => throw new NotSupportedException();
        public Task<ShardStatus> GetStatus() => throw new NotSupportedException();
        public Task<int[]> CountRecords(string[] subjects) => throw new NotSupportedException();
        public Task<ShardCertification> GetCertification() => throw new NotSupportedException();
        public Task<ShardVerification> Verify() => throw new NotSupportedException();
        public Task<DataRecord[]> SampleRecords(int count) => throw new NotSupportedException();
        public Task<Explanation[]> Explain(double[][] rows, int[] labels, int top) => throw new NotSupportedException();
        public Task<ShardForgetEstimate> EstimateForget(string subject) => throw new NotSupportedException();
        public Task<int> Delete() => throw new NotSupportedException();
    }

    private sealed class Harness
    {
        public Harness(ModelState? state = null)
        {
            State = state ?? new ModelState();
            Shards = [.. Enumerable.Range(0, 4).Select(i => new FakeShard(i, Log))];
            Coordinator = Create();
        }

        public ModelState State { get; }
        public List<string> Log { get; } = [];
        public FakeShard[] Shards { get; }
        public FakeTimeProvider Time { get; } = new();
        public Dictionary<int, long> Holds { get; } = [];
        public IngestCoordinator Coordinator { get; private set; }
        public UnlearningOptions Options { get; } = new() { StagedIngestExpiry = TimeSpan.FromMinutes(10), SettledIngestRetention = TimeSpan.FromHours(1) };

        /// <summary>The model restarting on the same stored state.</summary>
        public void Restart() => Coordinator = Create();

        private IngestCoordinator Create() => new(State, Shards.Length, i => Shards[i], () =>
        {
            Log.Add($"write {string.Join(",", State.Ingests.Select(e => $"{e.Id}:{e.Status}"))}");
            return Task.CompletedTask;
        }, (shard, records) => Holds[shard] = records, Options, Time, NullLogger.Instance);
    }

    [Fact]
    public async Task A_commit_is_stored_before_any_shard_hears_of_it_and_reaches_only_the_shards_that_staged()
    {
        var h = new Harness();
        await h.Coordinator.OpenAsync("g");
        h.Coordinator.Sending("g", [1, 3]);

        Assert.Equal(10, await h.Coordinator.CommitAsync("g"));

        Assert.Equal(["write g:Staging", "write g:Committing", "commit 1", "commit 3", "write g:Committed"], h.Log);
        Assert.Equal(105, h.Holds[1]);
        Assert.Equal(IngestOutcome.Committed, h.Coordinator.OutcomeOf("g"));
        // Repeatable, without asking the shards again.
        Assert.Equal(10, await h.Coordinator.CommitAsync("g"));
        Assert.Equal(5, h.Log.Count);
    }

    [Fact]
    public async Task A_shard_that_does_not_answer_gets_the_commit_again_until_it_does()
    {
        var h = new Harness();
        await h.Coordinator.OpenAsync("g");
        h.Coordinator.Sending("g", [0, 2]);
        h.Shards[2].Down = true;

        await Assert.ThrowsAsync<IngestNotSettledException>(() => h.Coordinator.CommitAsync("g"));
        Assert.Equal(IngestOutcome.Committed, h.Coordinator.OutcomeOf("g")); // decided, whatever the shards said
        Assert.Equal(IngestStatus.Committing, h.State.Ingests.Single().Status);

        h.Shards[2].Down = false;
        for (var i = 0; i < 20 && h.State.Ingests.Single().Status != IngestStatus.Committed; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(10);
        }
        Assert.Equal(IngestStatus.Committed, h.State.Ingests.Single().Status);
        Assert.Equal(10, await h.Coordinator.CommitAsync("g"));
    }

    [Fact]
    public async Task After_a_restart_while_staging_every_shard_hears_the_outcome()
    {
        var h = new Harness();
        await h.Coordinator.OpenAsync("g");
        h.Coordinator.Sending("g", [1]);
        h.Restart();
        await h.Coordinator.OpenAsync("g");
        h.Coordinator.Sending("g", [2]);

        await h.Coordinator.AbortAsync("g", "test");

        Assert.Equal(["abort 0", "abort 1", "abort 2", "abort 3"], h.Log.Where(l => l.StartsWith("abort", StringComparison.Ordinal)).Order());
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Coordinator.CommitAsync("g"));
        Assert.Contains("aborted (test)", refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Coordinator.OpenAsync("g"));
    }

    [Fact]
    public async Task A_one_shot_ingest_found_staging_at_activation_is_aborted_at_the_first_sweep_and_a_staged_one_waits()
    {
        var state = new ModelState();
        state.Ingests.Add(new IngestEntry { Id = "lost-call", Status = IngestStatus.Staging, OneShot = true });
        state.Ingests.Add(new IngestEntry { Id = "client-staged", Status = IngestStatus.Staging });
        var h = new Harness(state); // a new activation of a model whose earlier one died mid-ingest

        await h.Coordinator.SweepAsync();

        Assert.Equal(IngestOutcome.Aborted, h.Coordinator.OutcomeOf("lost-call"));
        Assert.Equal("the model stopped before the ingest's call committed it", state.Ingests.Single(e => e.Id == "lost-call").Reason);
        Assert.Equal(IngestOutcome.Pending, h.Coordinator.OutcomeOf("client-staged"));
    }

    [Fact]
    public async Task Staging_that_stops_expires_and_settled_entries_are_forgotten_after_the_retention()
    {
        var h = new Harness();
        await h.Coordinator.OpenAsync("quiet");
        await h.Coordinator.OpenAsync("busy");
        h.Time.Advance(TimeSpan.FromMinutes(8));
        await h.Coordinator.OpenAsync("busy"); // a batch
        h.Time.Advance(TimeSpan.FromMinutes(3));

        await h.Coordinator.SweepAsync();

        Assert.Equal(IngestOutcome.Aborted, h.Coordinator.OutcomeOf("quiet"));
        Assert.Equal(IngestOutcome.Pending, h.Coordinator.OutcomeOf("busy"));
        Assert.Contains("no batch for 10 minutes", h.State.Ingests.Single(e => e.Id == "quiet").Reason);

        h.Time.Advance(TimeSpan.FromHours(2));
        await h.Coordinator.SweepAsync();
        Assert.DoesNotContain(h.State.Ingests, e => e.Id == "quiet");
        Assert.Equal(IngestOutcome.Aborted, h.Coordinator.OutcomeOf("quiet")); // unknown: nothing to keep
    }

    [Fact]
    public async Task A_sweep_during_a_commit_does_not_settle_it_a_second_time()
    {
        var h = new Harness();
        await h.Coordinator.OpenAsync("g");
        h.Coordinator.Sending("g", [2]);
        var gate = new TaskCompletionSource();
        h.Shards[2].Gate = gate.Task;

        var committing = h.Coordinator.CommitAsync("g");
        await h.Coordinator.SweepAsync(); // sees the entry committing: must not start a settling of its own
        gate.SetResult();

        Assert.Equal(5, await committing);
        Assert.Single(h.Log, l => l == "commit 2");
        Assert.Single(h.Log, l => l.EndsWith("g:Committed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Committed_ingests_cannot_be_aborted_nor_unknown_ones_committed()
    {
        var h = new Harness();
        await h.Coordinator.OpenAsync("g");
        await h.Coordinator.CommitAsync("g");
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Coordinator.AbortAsync("g", "late"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Coordinator.CommitAsync("never-opened"));
        await h.Coordinator.AbortAsync("never-opened", "nothing"); // nothing to do
    }
}
