namespace Unlearning.Client.Csv;

/// <summary>Malformed or invalid input file; the message names the file and, where there is one, the line and column.</summary>
internal sealed class CsvFormatException : Exception
{
    public CsvFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
    }

    public CsvFormatException(string file, int line, string problem)
        : base($"{file} line {line}: {problem}")
    {
    }

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
