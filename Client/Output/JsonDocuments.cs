namespace Unlearning.Client.Output;

// The --json contract, key for key and in order: scripts rely on it, so it does not follow the wire types implicitly.

internal sealed record ConfigDocument(
    string Name, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> Labels,
    int Shards, int Slices, double Lambda, string Ensemble, int MaxIterations)
{
    public static ConfigDocument From(ModelConfig c) =>
        new(c.Name, c.FeatureNames, c.Labels, c.Shards, c.Slices, c.Lambda, EnsembleNames.Of(c.Ensemble), c.MaxIterations);
}

internal sealed record IngestDocument(string Model, int Accepted, long Records);

internal sealed record TrainDocument(string Model, long Records, int ShardsServing, long Version, long ElapsedMs)
{
    public static TrainDocument From(TrainResult r) => new(r.Model, r.Records, r.ShardsServing, r.Version, r.ElapsedMs);
}

internal sealed record PredictionDocument(string Id, string Label, OrderedDictionary<string, double> Probabilities)
{
    public static PredictionDocument From(ModelConfig config, string id, Prediction prediction)
    {
        var probabilities = new OrderedDictionary<string, double>(config.Labels.Length, StringComparer.Ordinal);
        for (var j = 0; j < config.Labels.Length; j++)
        {
            probabilities.Add(config.Labels[j], prediction.Probabilities[j]);
        }

        return new PredictionDocument(id, config.Labels[prediction.Label], probabilities);
    }
}

internal sealed record EvaluationDocument(string Model, int Rows, double Accuracy, long Version)
{
    public static EvaluationDocument From(EvaluationResult r) => new(r.Model, r.Rows, r.Accuracy, r.Version);
}

internal sealed record ForgetDocument(
    string RequestId, string Model, string Subject, int Shard, int RecordsRemoved, int SlicesRetrained,
    long VersionBefore, long VersionAfter, string Method, long ElapsedMs)
{
    public static ForgetDocument From(ForgetReceipt r) =>
        new(r.RequestId, r.Model, r.Subject, r.Shard, r.RecordsRemoved, r.SlicesRetrained,
            r.VersionBefore, r.VersionAfter, r.Method, r.ElapsedMs);
}

internal sealed record ShardDocument(int Index, long Records, long Version, string State, string Silo)
{
    public static ShardDocument From(ShardStatus s) => new(s.Index, s.Records, s.Version, s.State, s.Silo);
}

internal sealed record StatusDocument(string Model, long Records, IReadOnlyList<ShardDocument> Shards, bool Trained, long Version)
{
    public static StatusDocument From(ModelStatus s) =>
        new(s.Model, s.Records, [.. s.Shards.Select(ShardDocument.From)], s.Trained, s.Version);
}
