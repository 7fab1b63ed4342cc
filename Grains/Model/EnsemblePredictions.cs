using Unlearning.Learning;

namespace Unlearning.Model;

/// <summary>An ensemble's predictions for a batch of rows, and their accuracy.</summary>
internal static class EnsemblePredictions
{
    /// <summary>A prediction call's answer: the ensemble's predictions for the rows, with the versions it was made of.</summary>
    public static PredictionBatch Batch(IReadOnlyList<IClassifier> members, ModelConfig config, double[][] rows, long version, ShardVersion[] used) =>
        new(Of(members, config.Ensemble, config.ClassCount, rows), version, used);

    public static Prediction[] Of(IReadOnlyList<IClassifier> members, EnsembleMode mode, int classCount, double[][] rows)
    {
        var vote = mode == EnsembleMode.Vote;
        var predictions = new Prediction[rows.Length];
        var i = 0;
        if (rows.Length >= EnsembleBatch.Rows && EnsembleBatch.Members(members, vote) is { } softmax)
        {
            for (; i + EnsembleBatch.Rows <= rows.Length; i += EnsembleBatch.Rows)
                EnsembleBatch.PredictFour(softmax, classCount, rows, i, predictions);
        }
        for (; i < rows.Length; i++)
        {
            var probabilities = new double[classCount];
            var label = Ensemble.Predict(members, vote, rows[i], probabilities);
            predictions[i] = new Prediction(label, probabilities);
        }
        return predictions;
    }

    /// <summary>The share of rows whose predicted label is the given one.</summary>
    public static double Accuracy(IReadOnlyList<Prediction> predictions, IReadOnlyList<int> labels)
    {
        if (predictions.Count != labels.Count)
            throw new ArgumentException($"{predictions.Count} predictions but {labels.Count} labels");
        if (predictions.Count == 0) throw new ArgumentException("nothing to evaluate: no rows");
        var correct = 0;
        for (var i = 0; i < predictions.Count; i++)
            if (predictions[i].Label == labels[i]) correct++;
        return (double)correct / predictions.Count;
    }
}
