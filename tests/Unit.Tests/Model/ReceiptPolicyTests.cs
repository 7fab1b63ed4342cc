using Unlearning.Model;
using Unlearning.Wire;

namespace Unlearning.Tests.Model;

public sealed class ReceiptPolicyTests
{
    private static readonly ModelConfig Exact = new("m", ["x"], ["a", "b"], 4, 2, 1e-4, EnsembleMode.Average, 10);
    private static readonly ModelConfig Certified = Exact with
    {
        Slices = 1,
        Method = UnlearningMethod.Certified,
        Certified = new CertifiedOptions(1, 1e-5, 1, null, null),
    };

    private static ShardSnapshot Final(ForgetMethod method, double? bound, double? left) => new(0, 3, 1, [1.0], method, bound, left);

    [Fact]
    public void Exact_models_name_their_method_and_no_budget()
    {
        Assert.Equal(new ReceiptTerms(ForgetMethod.Exact, null, null), ReceiptPolicy.For(Exact, 2, Final(ForgetMethod.Exact, null, null)));
        Assert.Equal(new ReceiptTerms(ForgetMethod.Retrain, null, null),
            ReceiptPolicy.For(Exact with { Shards = 1, Slices = 1 }, 2, Final(ForgetMethod.Retrain, null, null)));
    }

    [Fact]
    public void Certified_models_name_what_the_shard_did()
    {
        Assert.Equal(new ReceiptTerms(ForgetMethod.Certified, 0.25, 0.5), ReceiptPolicy.For(Certified, 1, Final(ForgetMethod.Certified, 0.25, 0.5)));
        Assert.Equal(new ReceiptTerms(ForgetMethod.Retrain, 0.9, 0.75), ReceiptPolicy.For(Certified, 1, Final(ForgetMethod.Retrain, 0.9, 0.75)));
    }

    [Fact]
    public void A_certified_forget_that_removed_nothing_spends_nothing()
    {
        Assert.Equal(new ReceiptTerms(ForgetMethod.Certified, 0, 0.5), ReceiptPolicy.For(Certified, 0, Final(ForgetMethod.Retrain, 0.9, 0.5)));
    }
}
