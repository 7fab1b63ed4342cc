namespace Unlearning.Client.Csv;

/// <summary>Malformed or invalid input file; the message names the file and, where there is one, the line and column.</summary>
public sealed class CsvFormatException : Exception
{
    /// <summary>A problem with the whole of <paramref name="file"/>.</summary>
    public CsvFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
    }

    /// <summary>A problem on line <paramref name="line"/> of <paramref name="file"/>.</summary>
    public CsvFormatException(string file, int line, string problem)
        : base($"{file} line {line}: {problem}")
    {
    }

    /// <summary>A problem in one cell: line <paramref name="line"/>, column <paramref name="column"/>.</summary>
    public CsvFormatException(string file, int line, string column, string problem)
        : base($"{file} line {line}, column {Quoted.Value(column)}: {problem}")
    {
    }

    private CsvFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The same error with <paramref name="note"/> appended, e.g. what had already been done when it was found.</summary>
    public CsvFormatException WithNote(string note) => new($"{Message}; {note}", this);
}
