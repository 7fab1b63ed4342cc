using System.Text;

namespace Unlearning.Client.Csv;

/// <summary>One CSV record: its fields and the (1-based) line it starts on.</summary>
internal sealed record CsvRecord(int Line, string[] Fields);

/// <summary>
/// Reads RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; whitespace around
/// unquoted fields (and around the quotes of quoted ones) is trimmed; blank lines are skipped.
/// </summary>
internal sealed class CsvReader(TextReader reader, string fileName)
{
    private string _line = "";
    private int _position;
    private int _lineNumber;

    public IEnumerable<CsvRecord> ReadAll()
    {
        while (reader.ReadLine() is { } line)
        {
            _lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            _line = line;
            _position = 0;
            yield return ReadRecord();
        }
    }

    private CsvRecord ReadRecord()
    {
        var start = _lineNumber;
        var fields = new List<string>();
        while (true)
        {
            fields.Add(ReadField(start));
            if (_position >= _line.Length)
            {
                return new CsvRecord(start, [.. fields]);
            }

            _position++; // the comma
        }
    }

    private string ReadField(int recordStart)
    {
        var quote = _position;
        while (quote < _line.Length && char.IsWhiteSpace(_line[quote]))
        {
            quote++;
        }

        if (quote < _line.Length && _line[quote] == '"')
        {
            _position = quote + 1;
            return ReadQuotedField(recordStart);
        }

        var comma = _line.IndexOf(',', _position);
        var end = comma < 0 ? _line.Length : comma;
        var value = _line[_position..end].Trim();
        _position = end;
        return value;
    }

    private string ReadQuotedField(int recordStart)
    {
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _line.Length)
            {
                _line = reader.ReadLine()
                    ?? throw new CsvFormatException(fileName, recordStart, "a quoted field is not closed before the end of the file");
                _lineNumber++;
                _position = 0;
                value.Append('\n');
                continue;
            }

            var c = _line[_position++];
            if (c != '"')
            {
                value.Append(c);
            }
            else if (_position < _line.Length && _line[_position] == '"')
            {
                value.Append('"');
                _position++;
            }
            else
            {
                break;
            }
        }

        while (_position < _line.Length && char.IsWhiteSpace(_line[_position]))
        {
            _position++;
        }

        if (_position < _line.Length && _line[_position] != ',')
        {
            throw new CsvFormatException(fileName, _lineNumber, $"unexpected '{_line[_position]}' after a closing quote");
        }

        return value.ToString();
    }
}
