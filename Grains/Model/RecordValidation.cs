namespace Unlearning.Model;

/// <summary>Checks of rows sent by clients; every failure names the problem and nothing is stored.</summary>
internal static class RecordValidation
{
    public static void CheckBatchSize(int rows, int maxRows)
    {
        if (rows > maxRows)
            throw new ArgumentException($"batch of {rows} rows exceeds the limit of {maxRows} rows per call; send smaller batches");
    }

    public static void CheckRows(double[][] rows, ModelConfig config, int maxRows)
    {
        CheckBatchSize(rows.Length, maxRows);
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null) throw new ArgumentException($"row {i + 1} is missing");
            CheckRow(rows[i], config, $"row {i + 1}");
        }
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

    public static void CheckIngestId(string ingestId)
    {
        if (!ModelLimits.IsValidId(ingestId))
            throw new ArgumentException($"ingest ids must have 1 to {ModelLimits.MaxIdLength} characters, not {Quoted.Value(ingestId)}");
    }

    public static void CheckSubject(string subject)
    {
        if (!ModelLimits.IsValidId(subject))
            throw new ArgumentException($"subject ids must have 1 to {ModelLimits.MaxIdLength} characters");
    }

    /// <summary>Each record on its own, and ids unique within the batch.</summary>
    public static void CheckRecords(DataRecord[] records, ModelConfig config)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = new List<string>();
        foreach (var record in records)
        {
            if (!ModelLimits.IsValidId(record.Id))
                throw new ArgumentException($"record ids must have 1 to {ModelLimits.MaxIdLength} characters, not {Quoted.Value(record.Id)}");
            if (!ModelLimits.IsValidId(record.Subject))
                throw new ArgumentException($"record '{record.Id}': subject ids must have 1 to {ModelLimits.MaxIdLength} characters");
            if (record.Features is null) throw new ArgumentException($"record '{record.Id}' has no features");
            CheckRow(record.Features, config, $"record '{record.Id}'");
            if (record.Label < 0 || record.Label >= config.ClassCount)
                throw new ArgumentException($"record '{record.Id}' has label index {record.Label}; model '{config.Name}' has {config.ClassCount} labels");
            if (!seen.Add(record.Id)) repeated.Add(record.Id);
        }
        if (repeated.Count > 0)
            throw new ArgumentException($"duplicate record ids in the batch: {Quoted.List(repeated)}");
    }

    /// <summary>One label index per row, each one of the model's.</summary>
    public static void CheckLabels(int rows, int[] labels, ModelConfig config)
    {
        if (rows != labels.Length) throw new ArgumentException($"{rows} rows but {labels.Length} labels");
        if (rows == 0) throw new ArgumentException("nothing to evaluate: no rows");
        foreach (var label in labels)
        {
            if (label < 0 || label >= config.ClassCount)
                throw new ArgumentException($"label index {label} is outside model '{config.Name}''s {config.ClassCount} labels");
        }
    }
}
