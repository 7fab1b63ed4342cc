using Unlearning.Client.Verification;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

/// <summary>An auditor checks a model from outside: shards rebuilt from their stored records, and attacks on forgotten records.</summary>
[Collection(ClusterCollection.Name)]
public sealed class VerifyTests(ClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_shard_rebuilt_from_its_stored_records_has_the_served_bits_after_forgets()
    {
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        var model = await BuildAsync(cluster, data, ClusterFixture.UniqueName("verify"), 4, 3, train);
        foreach (var subject in train.Take(6).Select(r => r.Subject)) await model.Forget(subject);

        var report = await model.Verify();

        Assert.True(report.Verified);
        Assert.Equal(UnlearningMethod.Exact, report.Method);
        Assert.All(report.Shards, s => Assert.Equal(s.Digest, s.RebuiltDigest));
        Assert.Equal(train.Length - 6, report.Shards.Sum(s => s.Records));
        // The digest is the served weights' own: a fresh build of the same records has the same ones.
        var fresh = await BuildAsync(cluster, data, ClusterFixture.UniqueName("verify-fresh"), 4, 3, train.Skip(6).Reverse(), batchSize: 53);
        var freshReport = await fresh.Verify();
        Assert.Equal(report.Shards.Select(s => s.Digest), freshReport.Shards.Select(s => s.Digest));
    }

    [Fact]
    public async Task A_certified_model_reports_each_shards_residual_within_its_bound()
    {
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        var name = ClusterFixture.UniqueName("verifyc");
        var config = data.CertifiedConfig(name, 2);
        var model = cluster.Model(name);
        await model.Create(config);
        await model.Ingest(train);
        await model.Train();
        await model.Forget(train[0].Subject);
        await model.Forget(train[1].Subject);

        var report = await model.Verify();

        Assert.True(report.Verified, string.Join("; ", report.Shards.Select(s => $"{s.Index}: {s.Residual} / {s.Bound}")));
        Assert.All(report.Shards, s => Assert.True(s.Residual <= s.Bound && s.Residual > 0));
    }

    [Fact]
    public async Task Membership_attacks_tell_forgotten_records_from_never_seen_ones_only_before_the_forget()
    {
        // Random labels and small shards (50 records of 30 features each): the shards memorise their records, so the
        // attacks have power, and a forget must take it away.
        var random = new Random(5);
        DataRecord Record(string id) => new(id, id, [.. Enumerable.Range(0, 30).Select(_ => random.NextDouble() * 2 - 1)], random.Next(2));
        var train = Enumerable.Range(0, 400).Select(i => Record($"t{i:000}")).ToArray();
        var holdout = Enumerable.Range(0, 200).Select(i => Record($"h{i:000}")).ToArray();
        var name = ClusterFixture.UniqueName("audit");
        var model = cluster.Model(name);
        await model.Create(new ModelConfig(name, [.. Enumerable.Range(0, 30).Select(j => $"f{j}")], ["0", "1"], 8, 1,
            ModelConfig.DefaultLambda, EnsembleMode.Average, ModelConfig.DefaultMaxIterations));
        await model.Ingest(train);
        await model.Train();
        var doomed = train.Where((_, i) => i % 4 == 0).ToArray();
        static AuditRows Rows(DataRecord[] records) => new([.. records.Select(r => r.Features)], [.. records.Select(r => r.Label)], [.. records.Select(r => r.Subject)]);

        async Task<IReadOnlyList<AttackResult>> AttackAsync()
        {
            var answers = await model.AuditPredictions(Rows(doomed), Rows(holdout), 200);
            static AuditRecord[] Of(AuditedRow[] rows) => [.. rows.Select(r => new AuditRecord(r.Label, r.Ensemble, r.Shards, r.OwningShard))];
            return MembershipAudit.Run(Of(answers.Forgotten), Of(answers.Retained), Of(answers.Holdout), seed: 1);
        }

        var before = await AttackAsync();
        foreach (var subject in doomed.Select(r => r.Subject)) await model.Forget(subject);
        var after = await AttackAsync();
        foreach (var (b, a) in before.Zip(after))
            output.WriteLine($"{b.Name}: before {b.ForgottenVsHoldoutAuc:F3}, after {a.ForgottenVsHoldoutAuc:F3} [{a.Ci95Low:F3}, {a.Ci95High:F3}], control {a.RetainedVsHoldoutAuc:F3}");

        // Deterministic (seeded data, bit-reproducible training): the figures are fixed, the margins are for future changes.
        foreach (var (b, a) in before.Zip(after))
        {
            Assert.True(b.ForgottenVsHoldoutAuc > 0.6, $"{b.Name}: before the forget the attack should see members: {b.ForgottenVsHoldoutAuc}");
            Assert.InRange(a.ForgottenVsHoldoutAuc, 0.4, 0.6);
            Assert.True(a.RetainedVsHoldoutAuc > 0.55, $"{a.Name}: the control shows the attack's power: {a.RetainedVsHoldoutAuc}");
            Assert.Equal(200, a.RetainedCount);
        }
    }
}
