namespace Unlearning.Model;

/// <summary>Checks of rows sent by clients; every failure names the problem and nothing is stored.</summary>
internal static class RecordValidation
{
    public const int MaxIdLength = 256;
    private const int NamesShown = 5;

    public static void CheckBatchSize(int rows, int maxRows)
    {
        if (rows > maxRows)
            throw new ArgumentException($"batch of {rows} rows exceeds the limit of {maxRows} rows per call; send smaller batches");
    }

    public static void CheckRow(ReadOnlySpan<double> features, ModelConfig config, string where)
    {
        if (features.Length != config.FeatureCount)
            throw new ArgumentException($"{where} has {features.Length} features, model '{config.Name}' expects {config.FeatureCount}");
        for (var j = 0; j < features.Length; j++)
        {
            if (!double.IsFinite(features[j]))
                throw new ArgumentException($"{where}: feature '{config.FeatureNames[j]}' is {features[j]}, not a finite number");
        }
    }

    /// <summary>Each record on its own, and ids unique within the batch.</summary>
    public static void CheckRecords(DataRecord[] records, ModelConfig config)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = new List<string>();
        foreach (var record in records)
        {
            if (string.IsNullOrEmpty(record.Id) || record.Id.Length > MaxIdLength)
                throw new ArgumentException($"record ids must have 1 to {MaxIdLength} characters");
            if (string.IsNullOrEmpty(record.Subject) || record.Subject.Length > MaxIdLength)
                throw new ArgumentException($"record '{record.Id}': subject ids must have 1 to {MaxIdLength} characters");
            if (record.Features is null) throw new ArgumentException($"record '{record.Id}' has no features");
            CheckRow(record.Features, config, $"record '{record.Id}'");
            if (record.Label < 0 || record.Label >= config.ClassCount)
                throw new ArgumentException($"record '{record.Id}' has label index {record.Label}; model '{config.Name}' has {config.ClassCount} labels");
            if (!seen.Add(record.Id)) repeated.Add(record.Id);
        }
        if (repeated.Count > 0)
            throw new ArgumentException($"duplicate record ids in the batch: {Names(repeated)}");
    }

    /// <summary>Ids already claimed by a batch still being stored.</summary>
    public static void CheckNotClaimed(IEnumerable<DataRecord> records, ModelConfig config, IReadOnlySet<string> claimed)
    {
        var repeated = records.Where(r => claimed.Contains(r.Id)).Select(r => r.Id).ToList();
        if (repeated.Count > 0)
            throw new ArgumentException($"duplicate record ids (already in model '{config.Name}' or being ingested): {Names(repeated)}");
    }

    public static void CheckNoConflicts(IEnumerable<DataRecord> records, ModelConfig config)
    {
        var conflicting = records.Select(r => r.Id).ToList();
        if (conflicting.Count > 0)
            throw new ArgumentException($"duplicate record ids already in model '{config.Name}' with other content: {Names(conflicting)}");
    }

    private static string Names(List<string> ids)
    {
        var shown = string.Join(", ", ids.Distinct().Take(NamesShown));
        return ids.Count > NamesShown ? $"{shown} and {ids.Count - NamesShown} more" : shown;
    }
}
