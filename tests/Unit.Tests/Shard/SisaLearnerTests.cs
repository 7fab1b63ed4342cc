using Unlearning.Shard;
using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Shard;

public sealed class SisaLearnerTests
{
    private static readonly Dataset Data = Dataset.Wdbc();

    private static ShardRows Slices(IEnumerable<DataRecord> records, int slices) =>
        InMemoryShardRecords.Of([.. Enumerable.Range(0, slices).Select(s => records.Where(r => Unlearning.Learning.Partitioning.SliceOf(r.Id, slices) == s)
            .OrderBy(r => r.Id, StringComparer.Ordinal).ToList())]);

    [Fact]
    public async Task Verification_rebuilds_every_checkpoint_and_compares_the_bits()
    {
        var config = Data.Config("sisa-verify", 1, 3);
        var learner = new SisaLearner(config);
        var records = Slices(Data.Records.Take(300), 3);

        // What a shard that trained slice by slice serves.
        var checkpoints = new List<SliceCheckpoint>();
        for (var slice = 0; slice < 3; slice++) checkpoints.Add(new SliceCheckpoint(learner.Prepare(slice, records, checkpoints).Compute(CancellationToken.None).Weights));
        var served = checkpoints[^1].Weights!;

        var check = await learner.VerifyAsync(records, served);
        Assert.True(check.Verified);
        Assert.Equal(served, check.Rebuilt);

        var tampered = (double[])served.Clone();
        tampered[^1] = Math.BitIncrement(tampered[^1]);
        Assert.False((await learner.VerifyAsync(records, tampered)).Verified);
        // One record more in storage than the weights saw.
        Assert.False((await learner.VerifyAsync(Slices(Data.Records.Take(301), 3), served)).Verified);
    }
}
