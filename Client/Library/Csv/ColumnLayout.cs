namespace Unlearning.Client.Csv;

/// <summary>Whether a command needs the <c>label</c> column.</summary>
internal enum LabelColumn
{
    Required,
    Ignored,
}

/// <summary>The columns that are not features.</summary>
internal static class ReservedColumns
{
    public const string Id = "id";
    public const string Subject = "subject";
    public const string Label = "label";
}

/// <summary>
/// Where a table's id, subject, label and feature columns are; <see cref="FeatureColumns"/>[j] is the
/// table column holding feature <see cref="FeatureNames"/>[j].
/// </summary>
internal sealed record ColumnLayout(int Id, int? Subject, int? Label, IReadOnlyList<string> FeatureNames, int[] FeatureColumns)
{
    /// <summary>Every column other than id, subject and label is a feature, in file order.</summary>
    public static ColumnLayout FromHeader(CsvTable table, LabelColumn label)
    {
        var reserved = Reserved(table, label);
        var features = table.Header.Where(IsFeature).ToArray();
        if (features.Length == 0)
        {
            throw new CsvFormatException(table.FileName, table.HeaderLine, "the header has no feature columns");
        }

        return reserved with { FeatureNames = features, FeatureColumns = [.. features.Select(table.IndexOf)] };
    }

    /// <summary>The table's feature columns must be exactly <paramref name="schema"/>'s, in any order.</summary>
    public static ColumnLayout ForSchema(CsvTable table, LabelColumn label, IReadOnlyList<string> schema)
    {
        var reserved = Reserved(table, label);
        var fileFeatures = table.Header.Where(IsFeature).ToArray();
        var missing = schema.Except(fileFeatures, StringComparer.Ordinal).ToArray();
        var unexpected = fileFeatures.Except(schema, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || unexpected.Length > 0)
        {
            var problems = new List<string>();
            if (missing.Length > 0)
            {
                problems.Add($"missing {Quote(missing)}");
            }

            if (unexpected.Length > 0)
            {
                problems.Add($"unexpected {Quote(unexpected)}");
            }

            throw new CsvFormatException(table.FileName,
                $"the feature columns do not match the model's: {string.Join("; ", problems)}");
        }

        return reserved with { FeatureNames = schema, FeatureColumns = [.. schema.Select(table.IndexOf)] };
    }

    /// <summary>The id, subject and label columns, checked before the features so a missing id is named as such.</summary>
    private static ColumnLayout Reserved(CsvTable table, LabelColumn label)
    {
        var subject = table.IndexOf(ReservedColumns.Subject);
        return new ColumnLayout(
            Require(table, ReservedColumns.Id),
            subject < 0 ? null : subject,
            label == LabelColumn.Required ? Require(table, ReservedColumns.Label) : null,
            [],
            []);
    }

    private static int Require(CsvTable table, string column)
    {
        var index = table.IndexOf(column);
        return index >= 0
            ? index
            : throw new CsvFormatException(table.FileName, table.HeaderLine, $"missing required column '{column}'");
    }

    private static bool IsFeature(string column) =>
        column is not (ReservedColumns.Id or ReservedColumns.Subject or ReservedColumns.Label);

    private static string Quote(IEnumerable<string> columns) =>
        string.Join(", ", columns.Select(c => $"'{c}'"));
}
