using System.Globalization;

namespace Unlearning.Bench.Runner;

/// <summary>Every size and count a scenario uses, per mode; printed with the results.</summary>
public sealed record BenchSettings
{
    public required BenchMode Mode { get; init; }
    /// <summary>Measured runs per figure (the figure is their median), after <see cref="WarmupRuns"/>.</summary>
    public required int Runs { get; init; }
    public int WarmupRuns { get; init; } = 1;
    public int Silos { get; init; } = 2;
    public int IngestBatch { get; init; } = 10_000;

    // 1. forget cost
    public required int SyntheticRows { get; init; }
    public required int SyntheticFeatures { get; init; }
    public required bool ForgetOnLargestRealSet { get; init; }
    public required int SisaShards { get; init; }
    public required int SisaSlices { get; init; }
    public required int ForgetBatch { get; init; }
    /// <summary>Measured runs of the single forget: cheap, and which slices a subject sits in varies, so more of them.</summary>
    public required int OneForgetRuns { get; init; }
    /// <summary>Certified removal's settings, the same in every mode; <see cref="Describe"/> says why these.</summary>
    public CertifiedSettings Certified { get; init; } = new();

    // 2. serving
    public required TimeSpan ServingDuration { get; init; }
    public int ServingCallers { get; init; } = 64;
    public int BatchCallers { get; init; } = 8;
    public int BatchRows { get; init; } = 1_000;

    // 3. availability
    public required double AvailabilityRate { get; init; }
    public required TimeSpan AvailabilityIdle { get; init; }
    public required int AvailabilityForgets { get; init; }
    public TimeSpan ForgetInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    // 4. accuracy
    public required int[] AccuracyShards { get; init; }
    public required bool AccuracyOnSharedSets { get; init; }
    public required bool AccuracyOnFashionMnist { get; init; }

    // 5. ingest and train
    public required int IngestSyntheticRows { get; init; }

    // 6. growth
    public required int[] GrowthRecords { get; init; }
    public required int GrowthShardsRecords { get; init; }
    public required int[] GrowthShards { get; init; }

    // 7. certified removal, calibrated
    public required Scenarios.CalibratedSettings Calibrated { get; init; }

    // 9. scale
    public required Scenarios.ScaleSettings Scale { get; init; }

    // 10. slicing: the slice counts compared, at SisaShards shards, on scenario 1's data and batch size
    public int[] SlicingSlices { get; init; } = [1, 2, 4, 8];

    public static BenchSettings For(BenchMode mode) => mode switch
    {
        BenchMode.Smoke => new BenchSettings
        {
            Mode = mode, Runs = 1,
            SyntheticRows = 3_000, SyntheticFeatures = 8, ForgetOnLargestRealSet = false, SisaShards = 4, SisaSlices = 2, ForgetBatch = 10, OneForgetRuns = 1,
            ServingDuration = TimeSpan.FromMilliseconds(300),
            AvailabilityRate = 200, AvailabilityIdle = TimeSpan.FromMilliseconds(500), AvailabilityForgets = 3,
            AccuracyShards = [1, 4], AccuracyOnSharedSets = false, AccuracyOnFashionMnist = false,
            IngestSyntheticRows = 5_000,
            GrowthRecords = [2_000, 4_000], GrowthShardsRecords = 4_000, GrowthShards = [2, 4],
            Calibrated = new(1, 1e-5, 20, [new(null, null, 2, 25, TimeSpan.FromMinutes(1), 5)]),
            Scale = new(5_000, [10, 50], 10, 500, 10, 20_000, 50, 5_000, 20, 3, TimeSpan.FromSeconds(1)),
        },
        BenchMode.Quick => new BenchSettings
        {
            Mode = mode, Runs = 3,
            SyntheticRows = 100_000, SyntheticFeatures = 50, ForgetOnLargestRealSet = true, SisaShards = 16, SisaSlices = 4, ForgetBatch = 100, OneForgetRuns = 9,
            ServingDuration = TimeSpan.FromSeconds(2),
            AvailabilityRate = 500, AvailabilityIdle = TimeSpan.FromSeconds(3), AvailabilityForgets = 40,
            AccuracyShards = [1, 4, 8, 16, 32], AccuracyOnSharedSets = true, AccuracyOnFashionMnist = false,
            IngestSyntheticRows = 100_000,
            GrowthRecords = [10_000, 30_000, 100_000], GrowthShardsRecords = 100_000, GrowthShards = [4, 8, 16, 32, 64],
            Scale = new(100_000, [10, 50], 100, 2_000, 10, 200_000, 50, 300_000, 20, 3, TimeSpan.FromSeconds(5)),
            Calibrated = new(1, 1e-5, 1_000,
            [
                new("fertility1980_morekids.csv", null, 4, 3_000, TimeSpan.FromMinutes(10), 100),
                new("fashion_mnist.csv.gz", 3_000, 1, 12, TimeSpan.FromMinutes(5), 4),
            ]),
        },
        _ => new BenchSettings
        {
            Mode = mode, Runs = 5,
            SyntheticRows = 1_000_000, SyntheticFeatures = 50, ForgetOnLargestRealSet = true, SisaShards = 16, SisaSlices = 4, ForgetBatch = 100, OneForgetRuns = 9,
            ServingDuration = TimeSpan.FromSeconds(4),
            AvailabilityRate = 500, AvailabilityIdle = TimeSpan.FromSeconds(5), AvailabilityForgets = 40,
            AccuracyShards = [1, 4, 8, 16, 32], AccuracyOnSharedSets = true, AccuracyOnFashionMnist = true,
            IngestSyntheticRows = 1_000_000,
            GrowthRecords = [10_000, 30_000, 100_000, 300_000, 1_000_000], GrowthShardsRecords = 300_000, GrowthShards = [4, 8, 16, 32, 64],
            Scale = new(1_000_000, [10, 50], 1_000, 2_000, 10, 1_000_000, 50, 10_000_000, 20, 3, TimeSpan.FromSeconds(65)),
            Calibrated = new(1, 1e-5, 1_000,
            [
                new("fertility1980_morekids.csv", null, 4, 5_000, TimeSpan.FromMinutes(20), 100),
                new("fashion_mnist.csv.gz", null, 1, 30, TimeSpan.FromMinutes(30), 10),
            ]),
        },
    };

    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        static string Number(double value) => value is >= 1e-3 and < 1e4
            ? value.ToString("0.####", CultureInfo.InvariantCulture) : value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        static string List(IEnumerable<int> values) => string.Join(", ", values.Select(v => v.ToString("#,0", CultureInfo.InvariantCulture)));
        var unlearning = new UnlearningOptions();
        return
        [
            new("mode", Mode.ToString().ToLowerInvariant()),
            new("runs", $"{WarmupRuns} warm-up + {Runs} measured; figures are medians of the measured runs"),
            new("cluster", $"{Silos} silos, production AddUnlearningGrains with Storage:Provider Memory (scenario 5 also SQLite and PostgreSQL), " +
                           "fresh cluster per scenario"),
            new("grain options", $"production defaults: RetrainDelay {unlearning.RetrainDelay.TotalMilliseconds:0} ms (bursts only), " +
                                 $"MaxBatchRows {unlearning.MaxBatchRows:#,0}"),
            new("learner", $"lambda {ModelConfig.DefaultLambda}, max iterations {ModelConfig.DefaultMaxIterations}, ensemble average"),
            new("ML.NET peer", "LbfgsLogisticRegression (2 classes) / LbfgsMaximumEntropy; L1 0, L2 mapped from lambda (see scenario 1), " +
                               "history 10, NormalizeMeanVariance(fixZero: false), cache checkpoint, default threads"),
            new("1 forget cost", $"largest real set: {(ForgetOnLargestRealSet ? "yes" : "no (repository wdbc)")}; synthetic {SyntheticRows:#,0} x {SyntheticFeatures}; " +
                                 $"SISA S={SisaShards} R={SisaSlices} vs full retrain S=1 R=1; one forget ({OneForgetRuns} measured runs) and a batch of {ForgetBatch}; 200 ms pause before each run so background work settles"),
            new("1 certified removal", $"epsilon {Number(Certified.Epsilon)}, delta {Number(Certified.Delta)}, sigma {Number(Certified.Sigma)}, " +
                                       $"lambda {Number(Certified.Lambda)}, " +
                                       $"S={Certified.Shards} R=1, noise seed fixed ({Certified.NoiseSeed}; production draws a secret one), centres and scales: " +
                                       "per-feature mean and population standard deviation of the records the model is built on (0 -> 1). Why: " +
                                       "(epsilon 1, delta 1e-5) is the usual strong guarantee; sigma 1 is the CLI's default (larger buys budget with noise); " +
                                       "lambda 1e-3 rather than 1e-2: the bound a removal spends shrinks about as 1/lambda^2, but lambda also shrinks the " +
                                       "weights, and 1e-3 keeps single forgets far inside the budget (see the receipts) at the exact model's accuracy " +
                                       "(see the accuracy rows); " +
                                       "one shard, like the full-retrain baseline, so the ratio measures the Newton step alone (sharding's gain is what the SISA " +
                                       "rows measure) and the whole budget covers every forget (a shard's bound per removal grows as its rows shrink)"),
            new("2 serving", $"{ServingCallers} callers of 1 row and {BatchCallers} callers of {BatchRows:#,0}-row batches, {ServingDuration.TotalSeconds:0.#} s per run"),
            new("3 availability", $"{AvailabilityRate:0} single-row predictions/s; {AvailabilityIdle.TotalSeconds:0.#} s idle, then {AvailabilityForgets} forgets, one every {ForgetInterval.TotalMilliseconds:0} ms or back to back"),
            new("4 accuracy", $"S in {{{List(AccuracyShards)}}}, R=1; " +
                              (AccuracyOnSharedSets ? AccuracyOnFashionMnist ? "every shared set" : "every shared set but fashion_mnist (--full)" : "repository wdbc only")),
            new("5 ingest/train", $"batches of {IngestBatch:#,0}; synthetic {IngestSyntheticRows:#,0} x {SyntheticFeatures} when the largest real set is absent or in smoke mode; " +
                                  $"each run a new cluster on a new store: memory ({Silos} silos), SQLite in a fresh temporary directory (1 silo: its deployment), " +
                                  $"PostgreSQL in a fresh database on the server of {Infrastructure.StorageBackends.PostgresVariable} ({Silos} silos; n/a without it), " +
                                  "each deleted afterwards"),
            new("6 growth", $"records {{{List(GrowthRecords)}}} at S={SisaShards}; shards {{{List(GrowthShards)}}} at {GrowthShardsRecords:#,0} records; synthetic x {SyntheticFeatures}, R={SisaSlices}"),
            new("7 certified, calibrated", $"epsilon {Number(Calibrated.Epsilon)}, delta {Number(Calibrated.Delta)}, " +
                                           $"{Calibrated.Removals:#,0} removals asked for per shard, no sigma or lambda given (the first train " +
                                           "calibrates both); secret noise keys, as in production; " + string.Join("; ", Calibrated.Sets.Select(set =>
                                               $"{set.File ?? "repository wdbc"}{(set.Rows is { } rows ? $" (first {rows:#,0} rows)" : "")} S={set.Shards}, " +
                                               $"shard 0 forgets up to {set.RemovalCap:#,0} subjects or for {set.TimeCap.TotalMinutes:0} min"))),
            new("9 scale", $"{Scale.Records:#,0} records x {{{List(Scale.Features)}}} on each store (1 silo, S=16 R=4); {Scale.Models:#,0} models of " +
                           $"{Scale.ModelRecords:#,0} x {Scale.ModelFeatures} on SQLite (S=4 R=2); the CLI ingesting {Scale.CliRecords:#,0} x {Scale.CliFeatures}; " +
                           $"{Scale.SpreadRecords:#,0} x {Scale.SpreadFeatures} on {Scale.SpreadSilos} silos on PostgreSQL (S=16 R={Client.ModelDefinition.DefaultSlices}, the default); first a warm-up " +
                           $"({Scenarios.ScaleScenario.WarmUpRecords(Scale):#,0} records ingested, trained and one forgotten on each store, in clusters stopped before any baseline); memory baselines taken " +
                           $"{Scale.AfterClusterSettle.TotalSeconds:0} s after the previous case's cluster stopped (freed pooled memory would bias them)"),
            new("10 slicing", $"S={SisaShards}, R in {{{List(SlicingSlices)}}} against full retrain S=1 R=1, on scenario 1's data sets (training split; " +
                              $"accuracy on the held-out split); one forget ({OneForgetRuns} measured runs) and a batch of {ForgetBatch} (as calls sent together, and as one stored forget request); 200 ms pause before each model's forgets"),
        ];
    }
}

/// <summary>How scenario 1 creates its certified-removal model (Guo et al. 2020); see README "Three ways to forget".</summary>
public sealed record CertifiedSettings
{
    public double Epsilon { get; init; } = 1.0;
    public double Delta { get; init; } = 1e-5;
    public double Sigma { get; init; } = CertifiedOptions.DefaultSigma;
    public double Lambda { get; init; } = 1e-3;
    /// <summary>One shard, as the full-retrain baseline; slices are always 1 for certified models.</summary>
    public int Shards { get; init; } = 1;
    /// <summary>Fixed so that runs are reproducible; the noise's value does not change what a step costs.</summary>
    public ulong NoiseSeed { get; init; } = 20240601;
}
