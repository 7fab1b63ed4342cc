using Microsoft.Extensions.Time.Testing;
using Unlearning.Calls;

namespace Unlearning.Tests.Library;

public sealed class CallLedgerTests
{
    private static readonly GrainId Model = GrainId.Create("model", "m");

    [Fact]
    public void A_call_is_unknown_until_it_starts_running_until_it_finishes_and_each_grain_counts_its_own()
    {
        var ledger = new CallLedger(new FakeTimeProvider());
        Assert.Equal(CallProgress.Unknown, ledger.Progress("c1", Model));

        ledger.Started("c1", Model);
        // The same id reaches the grains the model calls: their entries are theirs, not the model's.
        ledger.Started("c1", GrainId.Create("shard", "m/0"));
        ledger.Finished("c1", GrainId.Create("shard", "m/0"));
        Assert.Equal(CallProgress.Running, ledger.Progress("c1", Model));

        ledger.Finished("c1", Model);
        Assert.Equal(CallProgress.Finished, ledger.Progress("c1", Model));
        Assert.Equal(CallProgress.Unknown, ledger.Progress("c2", Model));
    }

    [Fact]
    public void Finished_calls_are_forgotten_after_the_retention_and_running_ones_never()
    {
        var clock = new FakeTimeProvider();
        var ledger = new CallLedger(clock);
        ledger.Started("long", Model);
        ledger.Started("done", Model);
        ledger.Finished("done", Model);
        clock.Advance(CallLedger.Retention + TimeSpan.FromSeconds(1));

        for (var i = 0; i < 5000; i++) ledger.Started($"c{i}", Model);

        Assert.Equal(CallProgress.Unknown, ledger.Progress("done", Model));
        Assert.Equal(CallProgress.Running, ledger.Progress("long", Model));
    }
}
