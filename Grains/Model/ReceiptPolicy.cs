using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// Which method a receipt names: exact models name theirs (a full retrain for one shard of one slice); a certified
/// model names what its shard did (a Newton step, or a retrain when the budget ran out), or a certified no-op when
/// the subject had no records.
/// </summary>
internal static class ReceiptPolicy
{
    public static ForgetMethod MethodOf(ModelConfig config, int recordsRemoved, ShardSnapshot final) =>
        config.Method != UnlearningMethod.Certified ? (config.IsFullRetrain ? ForgetMethod.Retrain : ForgetMethod.Exact)
        : recordsRemoved > 0 ? final.Method
        : ForgetMethod.Certified;
}
