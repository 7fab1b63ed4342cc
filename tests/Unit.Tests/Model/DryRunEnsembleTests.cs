using Unlearning.Learning;
using Unlearning.Model;

namespace Unlearning.Tests.Model;

public sealed class DryRunEnsembleTests
{
    private sealed class Named(string name) : IClassifier
    {
        public string Name { get; } = name;
        public void Probabilities(ReadOnlySpan<double> row, Span<double> probabilities) => probabilities.Clear();
    }

    private static string[] Names(IEnumerable<IClassifier> members) => [.. members.Select(m => ((Named)m).Name)];

    private static readonly (int, IClassifier)[] Members = [(0, new Named("s0")), (2, new Named("s2")), (5, new Named("s5"))];

    [Fact]
    public void The_forgetting_shard_is_replaced_in_place()
    {
        Assert.Equal(["s0", "estimate", "s5"], Names(DryRunEnsemble.After(Members, 2, new Named("estimate"))));
    }

    [Fact]
    public void A_shard_left_with_nothing_leaves_the_ensemble()
    {
        Assert.Equal(["s0", "s5"], Names(DryRunEnsemble.After(Members, 2, null)));
    }

    [Fact]
    public void A_shard_not_serving_now_joins_in_shard_order()
    {
        Assert.Equal(["s0", "s2", "estimate", "s5"], Names(DryRunEnsemble.After(Members, 3, new Named("estimate"))));
        Assert.Equal(["s0", "s2", "s5", "estimate"], Names(DryRunEnsemble.After(Members, 7, new Named("estimate"))));
    }
}
