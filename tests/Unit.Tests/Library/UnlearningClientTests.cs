using Microsoft.Extensions.DependencyInjection;
using Unlearning.Client;
using Unlearning.Tests.Cli;

namespace Unlearning.Tests.Library;

/// <summary>
/// <see cref="IUnlearningClient"/> over an in-process cluster that records what it is sent: bad input refused before
/// anything is sent, large inputs split into ordered batches and their answers joined, reads retried, writes sent once.
/// </summary>
public sealed class UnlearningClientTests
{
    private static readonly string[] Features = ["a", "b", "c"];

    private readonly (IClusterClient Client, FakeCluster Cluster) _fake = FakeCluster.Create();

    private UnlearningClient Client(UnlearningResilienceOptions? resilience = null) => UnlearningClient.Over(_fake.Client, resilience);

    private FakeModelGrain Model(string name, string[]? features = null)
    {
        var grain = (FakeModelGrain)_fake.Client.GetGrain<IModelGrain>(name);
        grain.Config = Config(name, features ?? Features, 2);
        return grain;
    }

    private static ModelConfig Config(string name, string[] features, int shards) =>
        new(name, features, ["no", "yes"], shards, 1, ModelConfig.DefaultLambda, EnsembleMode.Average, 100);

    private static double[][] Rows(int count, int width) =>
        [.. Enumerable.Range(0, count).Select(i => Enumerable.Range(0, width).Select(j => i % 2 == 0 ? i + j + 1.0 : -(i + j + 1.0)).ToArray())];

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("../etc")]
    public async Task A_bad_model_name_is_refused_before_anything_is_sent(string name)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client().PredictAsync(name, Rows(1, 3)));
        Assert.Contains("model name", error.Message);
        Assert.Empty(_fake.Cluster.Models);
    }

    [Fact]
    public async Task Rows_of_different_widths_are_refused_naming_the_row()
    {
        var grain = Model("m");
        double[][] rows = [[1, 2, 3], [1, 2, 3], [1, 2]];
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client().PredictAsync("m", rows));
        Assert.Contains("row 2 has 2 values, row 0 has 3", error.Message);
        Assert.Empty(grain.PredictBatches);
        await Assert.ThrowsAsync<ArgumentException>(() => Client().PredictAsync("m", []));
        await Assert.ThrowsAsync<ArgumentException>(() => Client().EvaluateAsync("m", Rows(3, 3), [0, 1]));
        Assert.Empty(grain.EvaluateCalls);
    }

    [Fact]
    public async Task Large_predictions_go_in_ordered_batches_and_come_back_joined()
    {
        var grain = Model("m");
        var rows = Rows(25_001, 3);
        var answer = await Client().PredictAsync("m", rows);
        Assert.Equal([10_000, 10_000, 5_001], grain.PredictBatches.Select(b => b.Length));
        Assert.Same(rows[10_000], grain.PredictBatches[1][0]);
        Assert.Equal(rows.Length, answer.Predictions.Length);
        Assert.Equal(rows.Select(r => FakeModelGrain.PredictRow(r).Label), answer.Predictions.Select(p => p.Label));
    }

    [Fact]
    public async Task Wide_rows_make_smaller_batches()
    {
        var grain = Model("wide", [.. Enumerable.Range(0, 1_000).Select(i => $"f{i}")]);
        await Client().PredictAsync("wide", Rows(4_500, 1_000));
        // 2,000,000 values per call: 2,000 rows of 1,000 features.
        Assert.Equal([2_000, 2_000, 500], grain.PredictBatches.Select(b => b.Length));
    }

    [Fact]
    public async Task Explanations_go_a_thousand_rows_at_a_time_and_top_is_checked()
    {
        var grain = Model("m");
        var answer = await Client().ExplainAsync("m", Rows(2_500, 3), top: 3);
        Assert.Equal([1_000, 1_000, 500], grain.ExplainCalls.Select(c => c.Rows.Length));
        Assert.Equal(2_500, answer.Rows.Length);
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().ExplainAsync("m", Rows(1, 3), top: 0));
        Assert.Contains("top", error.Message);
        Assert.Equal(3, grain.ExplainCalls.Count);
    }

    [Fact]
    public async Task A_model_config_out_of_bounds_is_refused_naming_the_setting()
    {
        var client = Client();
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CreateModelAsync(Config("m", Features, 0)));
        Assert.Contains("Shards", error.Message);
        var duplicate = await Assert.ThrowsAsync<ArgumentException>(() => client.CreateModelAsync(Config("m", ["a", "a"], 2)));
        Assert.Contains("feature names must be distinct", duplicate.Message);
        Assert.Empty(_fake.Cluster.Models);
    }

    [Fact]
    public async Task Ingested_records_are_checked_and_all_or_nothing()
    {
        var grain = Model("m");
        DataRecord[] records =
        [
            new("r1", "s1", [1, 2, 3], 0),
            new("r2", "s2", [1, 2], 1),
        ];
        await Assert.ThrowsAnyAsync<Exception>(() => Client().IngestAsync("m", records));
        Assert.Empty(grain.IngestBatches);
        Assert.Equal(0, grain.IngestedRows);

        var outcome = await Client().IngestAsync("m", Enumerable.Range(0, 12_000).Select(i => new DataRecord($"r{i}", $"s{i}", [i, 1, 2], i % 2)));
        Assert.Equal(12_000, outcome.Accepted);
        Assert.Equal(12_000, grain.IngestBatches.Sum(b => b.Length));
        Assert.True(grain.IngestBatches.Count >= 2, "12,000 records went in one batch");
    }

    [Fact]
    public async Task A_read_that_is_not_answered_is_tried_again()
    {
        var grain = Model("m");
        var failures = 2;
        grain.OnBatch = () =>
        {
            if (failures-- > 0) throw new TimeoutException("no answer");
        };
        var answer = await Client(new UnlearningResilienceOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(1) }).PredictAsync("m", Rows(1, 3));
        Assert.Single(answer.Predictions);
        Assert.Equal(3, grain.PredictedRows);
    }

    [Fact]
    public async Task A_read_fails_once_its_retry_window_has_passed()
    {
        var grain = Model("m");
        grain.Failure = new TimeoutException("no answer");
        var window = TimeSpan.FromMilliseconds(300);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<TimeoutException>(() =>
            Client(new UnlearningResilienceOptions { ReadRetryWindow = window, FirstRetryDelay = TimeSpan.FromMilliseconds(10) }).GetStatusAsync("m"));
        Assert.True(DateTime.UtcNow - started >= window, "the read gave up before its window had passed");
    }

    [Fact]
    public async Task A_read_that_the_cluster_refuses_is_not_tried_again()
    {
        var grain = Model("m");
        var calls = 0;
        grain.OnBatch = () =>
        {
            calls++;
            throw new ArgumentException("bad row");
        };
        await Assert.ThrowsAsync<ArgumentException>(() => Client().PredictAsync("m", Rows(1, 3)));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_forget_whose_answer_is_lost_is_not_sent_again()
    {
        var grain = Model("m");
        grain.Failure = new TimeoutException("no answer");
        await Assert.ThrowsAsync<TimeoutException>(() => Client().ForgetAsync("m", "s1"));
        Assert.Equal(1, grain.ForgetAttempts);
        await Assert.ThrowsAsync<ArgumentException>(() => Client().ForgetAsync("m", ""));
        Assert.Equal(1, grain.ForgetAttempts);
    }

    [Fact]
    public void Options_name_the_setting_that_is_wrong()
    {
        Assert.Contains("HOST:PORT", Refused(o => o.Gateways = ["silo-0"]));
        Assert.Contains("give one of them", Refused(o =>
        {
            o.Gateways = ["silo-0:30000"];
            o.PostgresConnectionString = "Host=db;Database=orleans";
        }));
        Assert.Contains("ClusterId", Refused(o => o.ClusterId = " "));
        Assert.Contains("ReadRetryWindow", Refused(o => o.Resilience.ReadRetryWindow = TimeSpan.FromSeconds(-1)));
        Assert.Contains("MaxRetryDelay", Refused(o => o.Resilience.MaxRetryDelay = TimeSpan.FromMilliseconds(1)));

        var services = new ServiceCollection();
        services.AddUnlearningClient(o => o.Gateways = ["silo-0.unlearning:30000", "[::1]:30001"]);
        Assert.Contains(services, s => s.ServiceType == typeof(IUnlearningClient));
    }

    private static string Refused(Action<UnlearningClientOptions> configure) =>
        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddUnlearningClient(configure)).Message;
}
