namespace Unlearning.Client.Csv;

/// <summary>A CSV file's header and records, each record having exactly as many fields as the header.</summary>
internal sealed class CsvTable
{
    private readonly string[] _header;

    private CsvTable(string fileName, CsvRecord header, IReadOnlyList<CsvRecord> rows)
    {
        FileName = fileName;
        _header = header.Fields;
        HeaderLine = header.Line;
        Rows = rows;
    }

    /// <summary>The file's name as the user gave it, used in every error message.</summary>
    public string FileName { get; }

    public IReadOnlyList<string> Header => _header;

    public int HeaderLine { get; }

    public IReadOnlyList<CsvRecord> Rows { get; }

    public static CsvTable Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"file '{path}' does not exist", path);
        }

        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    public static CsvTable Parse(TextReader reader, string fileName)
    {
        using var records = new CsvReader(reader, fileName).ReadAll().GetEnumerator();
        if (!records.MoveNext())
        {
            throw new CsvFormatException(fileName, "the file is empty; expected a header row");
        }

        var header = records.Current;
        ValidateHeader(fileName, header);
        var rows = new List<CsvRecord>();
        while (records.MoveNext())
        {
            var row = records.Current;
            if (row.Fields.Length != header.Fields.Length)
            {
                throw new CsvFormatException(fileName, row.Line,
                    $"expected {header.Fields.Length} fields (as in the header), found {row.Fields.Length}");
            }

            rows.Add(row);
        }

        return new CsvTable(fileName, header, rows);
    }

    /// <summary>The index of <paramref name="column"/> in the header, or -1.</summary>
    public int IndexOf(string column) => Array.IndexOf(_header, column);

    private static void ValidateHeader(string fileName, CsvRecord header)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var name = header.Fields[i];
            if (name.Length == 0)
            {
                throw new CsvFormatException(fileName, header.Line, $"header column {i + 1} has no name");
            }

            if (!seen.Add(name))
            {
                throw new CsvFormatException(fileName, header.Line, $"column '{name}' appears twice in the header");
            }
        }
    }
}
