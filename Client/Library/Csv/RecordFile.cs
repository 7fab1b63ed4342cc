using System.Globalization;

namespace Unlearning.Client.Csv;

/// <summary>
/// A validated data file: unique non-empty ids, subjects (an absent column or empty field means the id),
/// finite features in the layout's feature order, and the raw label strings when the label column is required.
/// </summary>
internal sealed class RecordFile
{
    private const int DuplicatesNamed = 3;
    private const int UnknownLabelsNamed = 3;

    private readonly int[] _lines;

    private RecordFile(string fileName, IReadOnlyList<string> featureNames, int[] lines, string[] ids,
        string[] subjects, double[][] features, string[]? labels)
    {
        FileName = fileName;
        FeatureNames = featureNames;
        _lines = lines;
        Ids = ids;
        Subjects = subjects;
        Features = features;
        Labels = labels;
    }

    public string FileName { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public string[] Ids { get; }

    public string[] Subjects { get; }

    public double[][] Features { get; }

    /// <summary>The label of each row; null when the layout ignores the label column.</summary>
    public string[]? Labels { get; }

    public int Count => Ids.Length;

    public static RecordFile Read(CsvTable table, ColumnLayout layout)
    {
        if (table.Rows.Count == 0)
        {
            throw new CsvFormatException(table.FileName, "the file has a header but no records");
        }

        var count = table.Rows.Count;
        var lines = new int[count];
        var ids = new string[count];
        var subjects = new string[count];
        var features = new double[count][];
        var labels = layout.Label is null ? null : new string[count];
        for (var i = 0; i < count; i++)
        {
            var row = table.Rows[i];
            lines[i] = row.Line;
            ids[i] = Require(table, row, layout.Id, "empty id");
            var subject = layout.Subject is { } s ? row.Fields[s] : "";
            subjects[i] = subject.Length == 0 ? ids[i] : subject;
            features[i] = ParseFeatures(table, row, layout);
            if (labels is not null)
            {
                labels[i] = Require(table, row, layout.Label!.Value, "empty label");
            }
        }

        RejectDuplicateIds(table.FileName, ids, lines);
        return new RecordFile(table.FileName, layout.FeatureNames, lines, ids, subjects, features, labels);
    }

    /// <summary>The distinct labels, sorted ordinal: the label set of a new model.</summary>
    public string[] DistinctLabels() =>
        [.. RequireLabels().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Each row's label as an index into <paramref name="modelLabels"/>; labels the model lacks are an error.</summary>
    public int[] LabelIndices(IReadOnlyList<string> modelLabels)
    {
        var labels = RequireLabels();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < modelLabels.Count; j++)
        {
            index[modelLabels[j]] = j;
        }

        var indices = new int[labels.Length];
        var unknown = new List<(string Label, int Line)>();
        var seenUnknown = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Length; i++)
        {
            if (index.TryGetValue(labels[i], out var j))
            {
                indices[i] = j;
            }
            else if (seenUnknown.Add(labels[i]))
            {
                unknown.Add((labels[i], _lines[i]));
            }
        }

        if (unknown.Count > 0)
        {
            var named = string.Join(", ", unknown.Take(UnknownLabelsNamed).Select(u => $"'{u.Label}' (line {u.Line})"));
            var more = unknown.Count > UnknownLabelsNamed ? $" and {unknown.Count - UnknownLabelsNamed} more" : "";
            var known = string.Join(", ", modelLabels.Select(l => $"'{l}'"));
            throw new CsvFormatException(FileName, $"labels unknown to the model: {named}{more}; the model's labels are {known}");
        }

        return indices;
    }

    private string[] RequireLabels() =>
        Labels ?? throw new InvalidOperationException("the file was read without its label column");

    private static string Require(CsvTable table, CsvRecord row, int column, string problem)
    {
        var value = row.Fields[column];
        return value.Length > 0
            ? value
            : throw new CsvFormatException(table.FileName, row.Line, table.Header[column], problem);
    }

    private static double[] ParseFeatures(CsvTable table, CsvRecord row, ColumnLayout layout)
    {
        var values = new double[layout.FeatureColumns.Length];
        for (var j = 0; j < values.Length; j++)
        {
            var column = layout.FeatureColumns[j];
            var text = Require(table, row, column, "empty value");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new CsvFormatException(table.FileName, row.Line, table.Header[column], $"'{text}' is not a number");
            }

            if (!double.IsFinite(value))
            {
                throw new CsvFormatException(table.FileName, row.Line, table.Header[column],
                    $"'{text}' is not a finite number (NaN and infinity are rejected)");
            }

            values[j] = value;
        }

        return values;
    }

    private static void RejectDuplicateIds(string fileName, string[] ids, int[] lines)
    {
        var duplicates = Enumerable.Range(0, ids.Length)
            .GroupBy(i => ids[i], StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToArray();
        if (duplicates.Length == 0)
        {
            return;
        }

        var named = string.Join(", ", duplicates.Take(DuplicatesNamed)
            .Select(g => $"'{g.Key}' (lines {string.Join(", ", g.Select(i => lines[i]))})"));
        var more = duplicates.Length > DuplicatesNamed ? $" and {duplicates.Length - DuplicatesNamed} more" : "";
        throw new CsvFormatException(fileName, $"duplicate ids: {named}{more}");
    }
}
