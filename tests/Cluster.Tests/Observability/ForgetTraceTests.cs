using System.Collections.Concurrent;
using System.Diagnostics;
using Unlearning.Silo.Management;
using Unlearning.Telemetry;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Observability;

/// <summary>
/// One forget is one trace: the caller's span, Orleans' call spans (activity propagation on client and silos) and the
/// grains' spans, from the model grain to the shard, its retrain and the receipt, all share the caller's trace id.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ForgetTraceTests(ClusterFixture cluster)
{
    private const string CallerName = "Unlearning.Tests.Caller";
    private static readonly ActivitySource Caller = new(CallerName);

    [Fact]
    public async Task A_forget_is_one_trace_from_the_caller_through_the_model_and_shard_to_the_receipt()
    {
        var data = Dataset.Wdbc().Take(160);
        var name = ClusterFixture.UniqueName("trace");
        var model = await BuildAsync(cluster, data, name, shards: 2, slices: 2, data.Records);
        var subject = data.Records[7].Subject;

        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CallerName || ObservabilitySetup.Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);

        ActivityTraceId trace;
        using (var root = Caller.StartActivity("client.forget"))
        {
            Assert.NotNull(root);
            trace = root.TraceId;
            var receipt = await model.Forget(subject);
            Assert.Equal(1, receipt.RecordsRemoved);
        }
        // The retrain's span ends when its loop does, which the receipt waited for; allow its Stop a moment.
        var deadline = Stopwatch.StartNew();
        while (!stopped.Any(a => a.TraceId == trace && a.OperationName == "unlearning.shard.retrain") && deadline.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);

        var spans = stopped.Where(a => a.TraceId == trace).ToArray();
        var names = spans.Select(a => a.OperationName).ToHashSet();
        foreach (var expected in new[] { "client.forget", "unlearning.forget", "unlearning.shard.forget", "unlearning.shard.retrain",
                     "unlearning.shard.checkpoint", "unlearning.forget.receipt" })
        {
            Assert.Contains(expected, names);
        }
        // One root (the caller's); every other span's parent is a span of the same trace.
        var ids = spans.Select(a => a.SpanId).ToHashSet();
        Assert.Single(spans, a => a.ParentSpanId == default);
        Assert.All(spans.Where(a => a.ParentSpanId != default), a => Assert.Contains(a.ParentSpanId, ids));
        // The shard's span descends from the model's, across the grain call.
        var forget = spans.Single(a => a.OperationName == "unlearning.forget");
        var shard = spans.Single(a => a.OperationName == "unlearning.shard.forget");
        Assert.True(DescendsFrom(shard, forget, spans), "the shard's forget span does not descend from the model's");
        Assert.Equal(name, forget.GetTagItem(TelemetryNames.Model));
        // No span carries the subject.
        Assert.DoesNotContain(spans.SelectMany(a => a.TagObjects), tag => Equals(tag.Value, subject));
    }

    private static bool DescendsFrom(Activity span, Activity ancestor, Activity[] spans)
    {
        var byId = spans.ToDictionary(a => a.SpanId);
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
            if (parent.SpanId == ancestor.SpanId) return true;
        return false;
    }
}
