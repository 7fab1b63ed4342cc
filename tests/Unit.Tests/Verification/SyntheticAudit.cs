using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

/// <summary>
/// Audit records from a model whose shards' confidences are known by construction. On the logit scale, shard k's
/// confidence in a record is the record's difficulty (shared by every shard: some records are easy for any
/// model) plus the shard's own noise, plus <c>boost</c> on the owning shard if it trained on the record.
/// </summary>
internal sealed record SyntheticAudit(int Shards, double Boost, double DifficultySpread, double Noise, bool EnsembleIsOwner = false)
{
    private const int Classes = 3;

    public AuditRecord[] Members(int count, Random random) => Records(count, Boost, random);

    public AuditRecord[] NonMembers(int count, Random random) => Records(count, 0, random);

    private AuditRecord[] Records(int count, double boost, Random random)
    {
        var records = new AuditRecord[count];
        for (var i = 0; i < count; i++)
        {
            var label = random.Next(Classes);
            var owner = random.Next(Shards);
            var difficulty = 1 + DifficultySpread * Normal(random);
            var shards = new double[Shards][];
            for (var k = 0; k < Shards; k++)
            {
                var logit = difficulty + Noise * Normal(random) + (k == owner ? boost : 0);
                shards[k] = Probabilities(logit, label);
            }
            var ensemble = EnsembleIsOwner
                ? (double[])shards[owner].Clone()
                : Enumerable.Range(0, Classes).Select(c => shards.Average(s => s[c])).ToArray();
            records[i] = new AuditRecord(label, ensemble, shards, owner);
        }
        return records;
    }

    /// <summary>Class probabilities whose true-class logit log(p_y / (1 - p_y)) is <paramref name="logit"/>.</summary>
    public static double[] Probabilities(double logit, int label, int classes = Classes)
    {
        var p = 1 / (1 + Math.Exp(-logit));
        var probabilities = new double[classes];
        for (var c = 0; c < classes; c++) probabilities[c] = c == label ? p : (1 - p) / (classes - 1);
        return probabilities;
    }

    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
