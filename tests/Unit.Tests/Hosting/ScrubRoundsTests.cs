using Unlearning.Silo.Storage;

namespace Unlearning.Tests.Hosting;

public sealed class ScrubRoundsTests
{
    /// <summary>A scrub function whose rounds block until released, recording the grains each round was given.</summary>
    private sealed class HeldScrub
    {
        private readonly List<(string[] Grains, TaskCompletionSource Release)> _rounds = [];
        private readonly SemaphoreSlim _started = new(0);

        public Task Run(IReadOnlyCollection<string> grains)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_rounds) _rounds.Add(([.. grains.Order(StringComparer.Ordinal)], release));
            _started.Release();
            return release.Task;
        }

        public async Task<string[]> StartedAsync(int round)
        {
            Assert.True(await _started.WaitAsync(TimeSpan.FromSeconds(10)), $"round {round} did not start");
            lock (_rounds) return _rounds[round].Grains;
        }

        public void Release(int round, Exception? error = null)
        {
            TaskCompletionSource release;
            lock (_rounds) release = _rounds[round].Release;
            if (error is null) release.SetResult();
            else release.SetException(error);
        }

        public int Rounds
        {
            get { lock (_rounds) return _rounds.Count; }
        }
    }

    [Fact]
    public async Task A_lone_scrub_runs_at_once_with_its_grains()
    {
        var scrub = new HeldScrub();
        var rounds = new ScrubRounds(scrub.Run);

        var done = rounds.ScrubAsync(["model/a/shard-1"]);

        Assert.Equal(["model/a/shard-1"], await scrub.StartedAsync(0));
        Assert.False(done.IsCompleted);
        scrub.Release(0);
        await done.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, scrub.Rounds);
    }

    [Fact]
    public async Task Scrubs_asked_while_a_round_runs_share_the_next_one_and_the_running_round_does_not_answer_them()
    {
        var scrub = new HeldScrub();
        var rounds = new ScrubRounds(scrub.Run);
        var first = rounds.ScrubAsync(["s0"]);
        await scrub.StartedAsync(0);

        // Their rows may have been rewritten after the running round began: only a round started later clears them.
        var later = Enumerable.Range(1, 5).Select(i => rounds.ScrubAsync([$"s{i}", "s0"])).ToArray();
        scrub.Release(0);
        await first.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["s0", "s1", "s2", "s3", "s4", "s5"], await scrub.StartedAsync(1));
        Assert.All(later, task => Assert.False(task.IsCompleted));
        scrub.Release(1);
        await Task.WhenAll(later).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, scrub.Rounds);
    }

    [Fact]
    public async Task A_failed_round_fails_its_callers_only_and_later_scrubs_still_run()
    {
        var scrub = new HeldScrub();
        var rounds = new ScrubRounds(scrub.Run);
        var failing = rounds.ScrubAsync(["s0"]);
        await scrub.StartedAsync(0);
        var next = rounds.ScrubAsync(["s1"]);

        scrub.Release(0, new InvalidOperationException("vacuum failed"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("vacuum failed", error.Message);

        Assert.Equal(["s1"], await scrub.StartedAsync(1));
        scrub.Release(1);
        await next.WaitAsync(TimeSpan.FromSeconds(10));

        // With every round over, the next scrub starts a round of its own again.
        var after = rounds.ScrubAsync(["s2"]);
        Assert.Equal(["s2"], await scrub.StartedAsync(2));
        scrub.Release(2);
        await after.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
