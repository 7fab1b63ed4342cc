using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>What a forget's receipt says about how the forget was made.</summary>
internal sealed record ReceiptTerms(ForgetMethod Method, double? BoundSpent, double? BudgetLeft);

/// <summary>
/// Which method a receipt names: exact models name theirs (a full retrain for one shard of one slice); a certified
/// model names what its shard did (a Newton step, or a retrain when the budget ran out), or a certified no-op when
/// the subject had no records.
/// </summary>
internal static class ReceiptPolicy
{
    public static ReceiptTerms For(ModelConfig config, int recordsRemoved, ShardSnapshot final)
    {
        if (config.Method != UnlearningMethod.Certified)
            return new ReceiptTerms(config.IsFullRetrain ? ForgetMethod.Retrain : ForgetMethod.Exact, null, null);
        return recordsRemoved > 0
            ? new ReceiptTerms(final.Method, final.BoundSpent ?? 0, final.BudgetLeft)
            : new ReceiptTerms(ForgetMethod.Certified, 0, final.BudgetLeft);
    }
}
