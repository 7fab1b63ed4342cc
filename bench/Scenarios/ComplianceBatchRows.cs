using System.Diagnostics;
using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

/// <summary>
/// The forget scenario's compliance rows: 1,000 subjects forgotten from every model that holds them (10 models, each
/// subject in 2), as one batch request against 1,000 single requests sent one after another (today's one CLI call per
/// subject). Each side runs on models of its own, built alike. Figures: time to the last receipt, and time to compliance
/// of the last subject (the moment its last model stopped using the shard that held it, from the receipts).
/// </summary>
internal static class ComplianceBatchRows
{
    public const int Subjects = 1_000, Models = 10, ModelsPerSubject = 2, RecordsPerSubject = 5;

    public static async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, settings.Silos);
        BenchContext.Progress($"compliance: two sets of {Models} models, {Subjects:#,0} subjects in {ModelsPerSubject} models each");
        var batchModels = await BuildModelsAsync(cluster, "batch", settings);
        var singleModels = await BuildModelsAsync(cluster, "single", settings);
        // Each set has subjects of its own: the subject index would otherwise send the batch to both sets' models.
        string[] SubjectsOf(string set) => [.. Enumerable.Range(0, Subjects).Select(i => Subject(set, i))];

        BenchContext.Progress($"compliance: one request of {Subjects:#,0} subjects");
        var (batchLast, batchCompliant, batchReceipts) = await ForgetAsync(async () =>
            (await cluster.Client.GetGrain<IForgetRequestGrain>($"bench-batch-{Guid.NewGuid():N}")
                .Submit(new ForgetOrder(null, SubjectsOf("batch")))).SelectMany(r => r.Receipts).ToArray());
        BenchContext.Progress($"compliance: {Subjects:#,0} single requests, one after another");
        var (singleLast, singleCompliant, singleReceipts) = await ForgetAsync(async () =>
        {
            var receipts = new List<ForgetReceipt>();
            foreach (var subject in SubjectsOf("single"))
            {
                var result = await cluster.Client.GetGrain<IForgetRequestGrain>($"bench-single-{Guid.NewGuid():N}")
                    .Submit(new ForgetOrder(null, [subject]));
                receipts.AddRange(result[0].Receipts);
            }
            return [.. receipts];
        });
        Check(batchReceipts, batchModels);
        Check(singleReceipts, singleModels);

        var caseName = $"compliance: {Subjects:#,0} subjects x {Models} models (each subject in {ModelsPerSubject})";
        var note = $"synthetic {Models} x {Subjects / Models * ModelsPerSubject * RecordsPerSubject:#,0} records, SISA S={settings.SisaShards} R={settings.SisaSlices}, " +
                   $"memory storage; {batchReceipts.Length:#,0} receipts each; singles sent one after another, each a request of its own";
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "batch request: time to the last receipt", Value = batchLast, Unit = "ms",
            PeerName = "1,000 single requests", PeerValue = singleLast, Ratio = singleLast / batchLast, Note = note,
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "batch request: time to compliance of the last subject", Value = batchCompliant, Unit = "ms",
            PeerName = "1,000 single requests", PeerValue = singleCompliant, Ratio = singleCompliant / batchCompliant,
            Note = "from sending to the latest moment a model stopped predicting with a forgotten subject's shard (receipts' compliance time)",
        });
    }

    private static string Subject(string set, int i) => $"{set}-person-{i:D4}";

    /// <summary>Model m holds the subjects i with i mod (Models / ModelsPerSubject) == m mod (Models / ModelsPerSubject).</summary>
    private static async Task<string[]> BuildModelsAsync(BenchCluster cluster, string prefix, Runner.BenchSettings settings)
    {
        var groups = Models / ModelsPerSubject;
        var perModel = Subjects / groups;
        var data = SyntheticData.Generate(perModel * RecordsPerSubject, settings.SyntheticFeatures);
        var names = new string[Models];
        await Task.WhenAll(Enumerable.Range(0, Models).Select(async m =>
        {
            var held = Enumerable.Range(0, Subjects).Where(i => i % groups == m % groups).ToArray();
            var records = data.Records.Select((r, k) => r with { Id = $"{prefix}{m}-{k}", Subject = Subject(prefix, held[k % held.Length]) }).ToArray();
            names[m] = (await BuildAsync(cluster, data, $"compliance-{prefix}{m}", settings.SisaShards, settings.SisaSlices, records, settings.IngestBatch)).Name;
        }));
        return names;
    }

    private static async Task<(double LastReceiptMs, double CompliantMs, ForgetReceipt[] Receipts)> ForgetAsync(Func<Task<ForgetReceipt[]>> forget)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var receipts = await forget();
        var last = clock.Elapsed.TotalMilliseconds;
        var compliant = receipts.Max(r => r.CompliantAt!.Value) - started;
        return (last, compliant.TotalMilliseconds, receipts);
    }

    private static void Check(ForgetReceipt[] receipts, string[] models)
    {
        if (receipts.Length != Subjects * ModelsPerSubject || receipts.Any(r => r.RecordsRemoved != RecordsPerSubject) || receipts.Any(r => !models.Contains(r.Model)))
        {
            throw new InvalidOperationException($"compliance rows: expected {Subjects * ModelsPerSubject} receipts of {RecordsPerSubject} records each, " +
                $"got {receipts.Length} with {string.Join(", ", receipts.GroupBy(r => r.RecordsRemoved).Select(g => $"{g.Count()} x {g.Key}"))} records");
        }
    }
}
