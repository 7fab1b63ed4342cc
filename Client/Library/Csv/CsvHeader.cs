namespace Unlearning.Client.Csv;

/// <summary>A CSV file's header row: named, distinct columns.</summary>
internal sealed class CsvHeader
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _index;

    private CsvHeader(string fileName, int line, string[] names, Dictionary<string, int> index)
    {
        FileName = fileName;
        Line = line;
        _names = names;
        _index = index;
    }

    /// <summary>The file's name as the user gave it, used in every error message.</summary>
    public string FileName { get; }

    public int Line { get; }

    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Length;

    /// <summary>Reads the first record of <paramref name="reader"/> as the header.</summary>
    public static CsvHeader Read(CsvReader reader)
    {
        if (!reader.Read())
        {
            throw new CsvFormatException(reader.FileName, "the file is empty; expected a header row");
        }

        var names = new string[reader.FieldCount];
        var index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i] = reader.FieldText(i);
            if (name.Length == 0)
            {
                throw new CsvFormatException(reader.FileName, reader.Line, $"header column {i + 1} has no name");
            }

            if (!index.TryAdd(name, i))
            {
                throw new CsvFormatException(reader.FileName, reader.Line, $"column {Quoted.Value(name)} appears twice in the header");
            }
        }

        return new CsvHeader(reader.FileName, reader.Line, names, index);
    }

    /// <summary>The index of <paramref name="column"/> in the header, or -1.</summary>
    public int IndexOf(string column) => _index.GetValueOrDefault(column, -1);
}
