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
/// Where a file's id, subject, label and feature columns are; <see cref="FeatureColumns"/>[j] is the
/// column holding feature <see cref="FeatureNames"/>[j].
/// </summary>
internal sealed record ColumnLayout(int Id, int? Subject, int? Label, IReadOnlyList<string> FeatureNames, int[] FeatureColumns)
{
    private const int ColumnsNamed = 10;

    /// <summary>Every column other than id, subject and label is a feature, in file order.</summary>
    public static ColumnLayout FromHeader(CsvHeader header, LabelColumn label)
    {
        var reserved = Reserved(header, label);
        var features = header.Names.Where(IsFeature).ToArray();
        if (features.Length == 0)
        {
            throw new CsvFormatException(header.FileName, header.Line, "the header has no feature columns");
        }

        return reserved with { FeatureNames = features, FeatureColumns = [.. features.Select(header.IndexOf)] };
    }

    /// <summary>The file's feature columns must be exactly <paramref name="schema"/>'s, in any order.</summary>
    public static ColumnLayout ForSchema(CsvHeader header, LabelColumn label, IReadOnlyList<string> schema)
    {
        var reserved = Reserved(header, label);
        var fileFeatures = header.Names.Where(IsFeature).ToArray();
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

            throw new CsvFormatException(header.FileName,
                $"the feature columns do not match the model's: {string.Join("; ", problems)}");
        }

        return reserved with { FeatureNames = schema, FeatureColumns = [.. schema.Select(header.IndexOf)] };
    }

    /// <summary>The id, subject and label columns, checked before the features so a missing id is named as such.</summary>
    private static ColumnLayout Reserved(CsvHeader header, LabelColumn label)
    {
        var subject = header.IndexOf(ReservedColumns.Subject);
        return new ColumnLayout(
            Require(header, ReservedColumns.Id),
            subject < 0 ? null : subject,
            label == LabelColumn.Required ? Require(header, ReservedColumns.Label) : null,
            [],
            []);
    }

    private static int Require(CsvHeader header, string column)
    {
        var index = header.IndexOf(column);
        return index >= 0
            ? index
            : throw new CsvFormatException(header.FileName, header.Line, $"missing required column {Quoted.Value(column)}");
    }

    private static bool IsFeature(string column) =>
        column is not (ReservedColumns.Id or ReservedColumns.Subject or ReservedColumns.Label);

    private static string Quote(IReadOnlyCollection<string> columns) => Quoted.List(columns, ColumnsNamed);
}
