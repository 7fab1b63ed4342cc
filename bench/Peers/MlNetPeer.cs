using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Unlearning.Bench.Peers;

/// <summary>
/// ML.NET's L-BFGS logistic regression, set up to minimise the same objective as our learner.
///
/// Ours: mean cross-entropy + (lambda/2)|W|^2 over standardised features, biases unpenalised, with one weight
/// vector per class (softmax). ML.NET's L-BFGS trainers minimise (sum of losses + (L2/2)|w|^2) / N
/// (LbfgsTrainerBase.DifferentiableFunction scales the regulariser by 1/N too), biases unpenalised, so:
/// - multi-class (LbfgsMaximumEntropy, one vector per class like ours): L2 = lambda * N;
/// - binary (LbfgsLogisticRegression, one vector w = w1 - w0): our penalty on the minimal-norm pair
///   (w0, w1) = (-w/2, w/2) is (lambda/4)|w|^2, so L2 = lambda * N / 2.
/// L1 is 0 (ML.NET defaults to 1), history 10 like MathNet's minimiser here, features standardised with
/// NormalizeMeanVariance(fixZero: false). Remaining differences: single precision, and ML.NET stops on relative
/// loss improvement (OptimizationTolerance 1e-7) where ours stops on the gradient norm (1e-7).
/// </summary>
public sealed class MlNetPeer
{
    private const string ClassKey = "ClassKey";
    private const string PredictedClass = "PredictedClass";
    private readonly MLContext _ml = new(seed: 0);
    private readonly int _features;
    private readonly int _classes;
    private readonly SchemaDefinition _schema;

    public MlNetPeer(int features, int classes)
    {
        _features = features;
        _classes = classes;
        _schema = SchemaDefinition.Create(typeof(Row));
        _schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
    }

    public bool Binary => _classes == 2;

    /// <summary>ML.NET's input rows: single precision, built once per data set so they are not timed.</summary>
    public Row[] Prepare(IReadOnlyList<DataRecord> records)
    {
        var rows = new Row[records.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var record = records[i];
            var features = new float[_features];
            for (var j = 0; j < features.Length; j++) features[j] = (float)record.Features[j];
            rows[i] = new Row { Features = features, Positive = record.Label == 1, Class = (uint)record.Label };
        }
        return rows;
    }

    /// <summary>Trains from scratch on <paramref name="rows"/> (from in-memory rows to a fitted model).</summary>
    public Fitted Train(IEnumerable<Row> rows, int count)
    {
        var stopwatch = Stopwatch.StartNew();
        var data = _ml.Data.LoadFromEnumerable(rows, _schema);
        var normalize = _ml.Transforms.NormalizeMeanVariance(nameof(Row.Features), fixZero: false);
        var model = Binary
            ? (ITransformer)normalize.AppendCacheCheckpoint(_ml).Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
                new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = nameof(Row.Positive),
                    FeatureColumnName = nameof(Row.Features),
                    L1Regularization = 0,
                    L2Regularization = (float)(ModelConfig.DefaultLambda * count / 2),
                    HistorySize = 10,
                    MaximumNumberOfIterations = ModelConfig.DefaultMaxIterations,
                })).Fit(data)
            : _ml.Transforms.Conversion.MapValueToKey(ClassKey, nameof(Row.Class))
                .Append(normalize).AppendCacheCheckpoint(_ml).Append(_ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = ClassKey,
                    FeatureColumnName = nameof(Row.Features),
                    L1Regularization = 0,
                    L2Regularization = (float)(ModelConfig.DefaultLambda * count),
                    HistorySize = 10,
                    MaximumNumberOfIterations = ModelConfig.DefaultMaxIterations,
                })).Append(_ml.Transforms.Conversion.MapKeyToValue(PredictedClass, "PredictedLabel")).Fit(data);
        return new Fitted(this, model, stopwatch.Elapsed.TotalMilliseconds);
    }

    public double Accuracy(ITransformer model, IReadOnlyList<Row> holdout)
    {
        var predictions = model.Transform(_ml.Data.LoadFromEnumerable(holdout, _schema));
        var correct = 0;
        if (Binary)
        {
            var predicted = predictions.GetColumn<bool>("PredictedLabel").ToArray();
            for (var i = 0; i < predicted.Length; i++) if (predicted[i] == holdout[i].Positive) correct++;
        }
        else
        {
            var predicted = predictions.GetColumn<uint>(PredictedClass).ToArray();
            for (var i = 0; i < predicted.Length; i++) if (predicted[i] == holdout[i].Class) correct++;
        }
        return (double)correct / holdout.Count;
    }

    public sealed record Fitted(MlNetPeer Peer, ITransformer Model, double ElapsedMs)
    {
        public double Accuracy(IReadOnlyList<Row> holdout) => Peer.Accuracy(Model, holdout);
    }

    public sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Positive { get; set; }
        /// <summary>Our label index; mapped to an ML.NET key inside the pipeline and back for predictions.</summary>
        public uint Class { get; set; }
    }
}
