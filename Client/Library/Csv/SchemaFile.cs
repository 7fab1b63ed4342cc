namespace Unlearning.Client.Csv;

/// <summary>
/// What <c>create</c> takes from a schema file, in one pass: the features (every column but id, subject and label, in
/// file order), the labels (the label column's distinct values, sorted ordinal) and each feature's moments.
/// </summary>
internal sealed class SchemaFile
{
    private readonly FeatureStatistics.Builder _moments;

    private SchemaFile(string fileName, IReadOnlyList<string> featureNames, string[] labels, FeatureStatistics.Builder moments)
    {
        FileName = fileName;
        FeatureNames = featureNames;
        Labels = labels;
        _moments = moments;
    }

    public string FileName { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public string[] Labels { get; }

    public static SchemaFile Read(RecordStream records)
    {
        var layout = ColumnLayout.FromHeader(records.Header, LabelColumn.Required);
        var moments = new FeatureStatistics.Builder(layout.FeatureNames.Count);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in records.ReadBatches(layout, Batches.RowsFor(layout.FeatureNames.Count)))
        {
            foreach (var row in batch.Features)
            {
                moments.Add(row);
            }

            labels.UnionWith(batch.Labels!);
        }

        return new SchemaFile(records.FileName, layout.FeatureNames, [.. labels.Order(StringComparer.Ordinal)], moments);
    }

    /// <summary>The features' means and standard deviations; an error when a feature's values are too large for them.</summary>
    public FeatureStatistics Statistics() => _moments.Build(FileName, FeatureNames);
}
