using Unlearning.Model;

using Unlearning.Wire;

namespace Unlearning.Tests.Model;

public sealed class ForgetBatcherTests
{
    private sealed class RecordingShard
    {
        public List<(string[] Subjects, bool MoreComing)> Calls { get; } = [];
        public TaskCompletionSource Release { get; set; } = new();

        public async Task<ForgetAcceptance[]> Forget(string[] subjects, bool moreComing)
        {
            Calls.Add((subjects, moreComing));
            await Release.Task;
            return [.. subjects.Select(_ => new ForgetAcceptance(1, 1, 0, new ShardSnapshot(0, 1, 1, null)))];
        }
    }

    [Fact]
    public async Task A_lone_forget_goes_at_once_and_says_nothing_more_is_coming()
    {
        var shard = new RecordingShard();
        shard.Release.SetResult();
        var batcher = new ForgetBatcher(shard.Forget, _ => false);

        await batcher.Submit("p1");

        var call = Assert.Single(shard.Calls);
        Assert.Equal(["p1"], call.Subjects);
        Assert.False(call.MoreComing);
    }

    [Fact]
    public async Task Forgets_arriving_while_one_is_in_flight_go_together_flagged_as_a_burst()
    {
        var shard = new RecordingShard();
        var othersInFlight = false;
        var batcher = new ForgetBatcher(shard.Forget, _ => othersInFlight);

        var first = batcher.Submit("p1");
        othersInFlight = true;
        var second = batcher.Submit("p2");
        var third = batcher.Submit("p3");
        shard.Release.SetResult();
        await Task.WhenAll(first, second, third);

        Assert.Equal(2, shard.Calls.Count);
        Assert.Equal(["p1"], shard.Calls[0].Subjects);
        Assert.False(shard.Calls[0].MoreComing);
        Assert.Equal(["p2", "p3"], shard.Calls[1].Subjects);
        Assert.True(shard.Calls[1].MoreComing);
    }

    [Fact]
    public async Task A_single_forget_sent_while_the_model_has_others_in_flight_is_flagged()
    {
        var shard = new RecordingShard();
        shard.Release.SetResult();
        var batcher = new ForgetBatcher(shard.Forget, sending => sending < 3);

        await batcher.Submit("p1");

        Assert.True(shard.Calls.Single().MoreComing);
    }

    [Fact]
    public async Task Forgets_handed_out_together_go_in_one_call_once_the_gathering_ends()
    {
        var shard = new RecordingShard();
        shard.Release.SetResult();
        var batcher = new ForgetBatcher(shard.Forget, _ => false);

        Task<ForgetAcceptance>[] forgets;
        using (batcher.Gather())
        {
            forgets = [batcher.Submit("p1"), batcher.Submit("p2"), batcher.Submit("p3")];
            Assert.Empty(shard.Calls);
        }
        var acceptances = await Task.WhenAll(forgets);

        var call = Assert.Single(shard.Calls);
        Assert.Equal(["p1", "p2", "p3"], call.Subjects);
        Assert.True(call.MoreComing);
        Assert.Equal(3, acceptances.Length);
    }

    [Fact]
    public async Task A_gathering_that_ends_while_a_call_is_in_flight_leaves_its_forgets_for_the_next_call()
    {
        var shard = new RecordingShard();
        var batcher = new ForgetBatcher(shard.Forget, _ => true);

        var first = batcher.Submit("p1");
        var gathering = batcher.Gather();
        var second = batcher.Submit("p2");
        var third = batcher.Submit("p3");
        gathering.Dispose();
        gathering.Dispose();
        Assert.Single(shard.Calls);
        shard.Release.SetResult();
        await Task.WhenAll(first, second, third);

        Assert.Equal(2, shard.Calls.Count);
        Assert.Equal(["p2", "p3"], shard.Calls[1].Subjects);
    }

    [Fact]
    public async Task With_nothing_submitted_a_gathering_sends_nothing_and_later_forgets_go_at_once()
    {
        var shard = new RecordingShard();
        shard.Release.SetResult();
        var batcher = new ForgetBatcher(shard.Forget, _ => false);

        batcher.Gather().Dispose();
        Assert.Empty(shard.Calls);
        await batcher.Submit("p1");

        Assert.Equal(["p1"], Assert.Single(shard.Calls).Subjects);
    }
}
