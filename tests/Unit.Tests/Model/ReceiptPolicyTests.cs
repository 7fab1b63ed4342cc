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
    public void Exact_models_name_their_method()
    {
        Assert.Equal(ForgetMethod.Exact, ReceiptPolicy.MethodOf(Exact, 2, Final(ForgetMethod.Exact, null, null)));
        Assert.Equal(ForgetMethod.Retrain, ReceiptPolicy.MethodOf(Exact with { Shards = 1, Slices = 1 }, 2, Final(ForgetMethod.Retrain, null, null)));
    }

    [Fact]
    public void Certified_models_name_what_the_shard_did()
    {
        Assert.Equal(ForgetMethod.Certified, ReceiptPolicy.MethodOf(Certified, 1, Final(ForgetMethod.Certified, 0.25, 0.5)));
        Assert.Equal(ForgetMethod.Retrain, ReceiptPolicy.MethodOf(Certified, 1, Final(ForgetMethod.Retrain, 0.9, 0.75)));
    }

    [Fact]
    public void A_certified_forget_that_removed_nothing_is_a_certified_no_op()
    {
        Assert.Equal(ForgetMethod.Certified, ReceiptPolicy.MethodOf(Certified, 0, Final(ForgetMethod.Retrain, 0.9, 0.5)));
    }
}
