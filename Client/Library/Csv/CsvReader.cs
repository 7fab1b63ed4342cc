using System.Buffers;

namespace Unlearning.Client.Csv;

/// <summary>One CSV record: its fields and the (1-based) line it starts on.</summary>
internal sealed record CsvRecord(int Line, string[] Fields);

/// <summary>
/// Reads RFC 4180 records one at a time from a <see cref="TextReader"/>, through a buffer of its own: quoted fields may hold
/// commas, doubled quotes and line breaks (each read as "\n"); whitespace around unquoted fields and around the quotes of
/// quoted ones is trimmed; blank lines are skipped; "\r\n", "\n" and "\r" end lines; a leading byte order mark is dropped.
/// The current record's fields are spans of one reused buffer, valid until the next <see cref="Read"/>, so a number
/// costs no string. Nothing beyond <see cref="CsvLimits"/> is ever buffered: the reader fails as soon as a limit is passed.
/// </summary>
internal sealed class CsvReader
{
    public const int DefaultBufferSize = 1 << 16;

    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\r\n");

    private readonly TextReader _reader;
    private readonly CsvLimits _limits;
    private readonly char[] _chunk;
    private int _position;
    private int _end;
    private bool _started;
    private bool _skipLineFeed;
    private int _line = 1;
    private State _state;

    private char[] _text = new char[256];
    private int _textLength;
    private int _fieldStart;
    private int[] _fieldEnds = new int[16];
    private int _recordLength;

    public CsvReader(TextReader reader, string fileName, CsvLimits? limits = null, int bufferSize = DefaultBufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        _reader = reader;
        _limits = limits ?? CsvLimits.Default;
        _chunk = new char[bufferSize];
        FileName = fileName;
    }

    private enum State
    {
        LineStart,
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        AfterQuote,
    }

    /// <summary>The file's name as the user gave it, used in every error message.</summary>
    public string FileName { get; }

    /// <summary>The line the current record starts on.</summary>
    public int Line { get; private set; }

    public int FieldCount { get; private set; }

    /// <summary>Field <paramref name="index"/> of the current record, valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<char> Field(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FieldCount, nameof(index));
        var start = index == 0 ? 0 : _fieldEnds[index - 1];
        return _text.AsSpan(start, _fieldEnds[index] - start);
    }

    public string FieldText(int index) => Field(index).ToString();

    /// <summary>Every remaining record, its fields as strings: for headers and tests, not for data.</summary>
    public IEnumerable<CsvRecord> ReadAll()
    {
        while (Read())
        {
            var fields = new string[FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = FieldText(i);
            }

            yield return new CsvRecord(Line, fields);
        }
    }

    /// <summary>Moves to the next record; false at the end of the file.</summary>
    public bool Read()
    {
        FieldCount = 0;
        _textLength = 0;
        _fieldStart = 0;
        _recordLength = 0;
        Line = _line;
        _state = State.LineStart;
        while (true)
        {
            if (_position == _end && !Fill())
            {
                return AtEnd();
            }

            var span = _chunk.AsSpan(_position, _end - _position);
            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (span[0] == '\n')
                {
                    _position++;
                    continue;
                }
            }

            var ended = _state switch
            {
                State.LineStart => LineStart(span),
                State.FieldStart => FieldStart(span),
                State.Unquoted => Unquoted(span),
                State.Quoted => InQuotes(span),
                State.QuoteInQuoted => QuoteInQuoted(span),
                _ => AfterQuote(span),
            };
            if (ended)
            {
                return true;
            }
        }
    }

    // Each state consumes what it can of the rest of the chunk and returns whether the record ended; the loop in Read
    // refills the chunk between calls, so any field or line break may straddle two chunks.

    /// <summary>Whitespace before a record, and blank lines.</summary>
    private bool LineStart(ReadOnlySpan<char> span)
    {
        var skipped = LeadingWhitespace(span);
        Skip(skipped);
        if (skipped == span.Length)
        {
            return false;
        }

        if (span[skipped] is '\r' or '\n')
        {
            EndLine(span[skipped]);
            _recordLength = 0;
            Line = _line;
        }
        else
        {
            _state = State.FieldStart;
        }

        return false;
    }

    private bool FieldStart(ReadOnlySpan<char> span)
    {
        var skipped = LeadingWhitespace(span);
        Skip(skipped);
        if (skipped == span.Length)
        {
            return false;
        }

        switch (span[skipped])
        {
            case '"':
                Skip(1);
                _state = State.Quoted;
                return false;
            case ',':
                EndField(trim: false);
                Skip(1);
                return false;
            case '\r' or '\n':
                EndField(trim: false);
                EndLine(span[skipped]);
                return true;
            default:
                _state = State.Unquoted;
                return false;
        }
    }

    private bool Unquoted(ReadOnlySpan<char> span)
    {
        var stop = span.IndexOfAny(UnquotedStops);
        Keep(stop < 0 ? span : span[..stop], unquoted: true);
        if (stop < 0)
        {
            return false;
        }

        EndField(trim: true);
        if (span[stop] == ',')
        {
            Skip(1);
            _state = State.FieldStart;
            return false;
        }

        EndLine(span[stop]);
        return true;
    }

    private bool InQuotes(ReadOnlySpan<char> span)
    {
        var stop = span.IndexOfAny(QuotedStops);
        Keep(stop < 0 ? span : span[..stop]);
        if (stop < 0)
        {
            return false;
        }

        if (span[stop] == '"')
        {
            Skip(1);
            _state = State.QuoteInQuoted;
        }
        else
        {
            Store("\n");
            EndLine(span[stop]);
        }

        return false;
    }

    /// <summary>After a quote inside a quoted field: a second quote is a quote, anything else ends the field.</summary>
    private bool QuoteInQuoted(ReadOnlySpan<char> span)
    {
        if (span[0] == '"')
        {
            Keep(span[..1]);
            _state = State.Quoted;
        }
        else
        {
            EndField(trim: false);
            _state = State.AfterQuote;
        }

        return false;
    }

    private bool AfterQuote(ReadOnlySpan<char> span)
    {
        var skipped = LeadingWhitespace(span);
        Skip(skipped);
        if (skipped == span.Length)
        {
            return false;
        }

        var c = span[skipped];
        if (c == ',')
        {
            Skip(1);
            _state = State.FieldStart;
            return false;
        }

        if (c is '\r' or '\n')
        {
            EndLine(c);
            return true;
        }

        throw new CsvFormatException(FileName, _line, $"unexpected {Quoted.Value(c.ToString())} after a closing quote");
    }

    private bool AtEnd()
    {
        switch (_state)
        {
            case State.LineStart:
                return false;
            case State.Quoted:
                throw new CsvFormatException(FileName, Line, "a quoted field is not closed before the end of the file");
            case State.FieldStart or State.QuoteInQuoted:
                EndField(trim: false);
                return true;
            case State.Unquoted:
                EndField(trim: true);
                return true;
            default:
                return true;
        }
    }

    private bool Fill()
    {
        while (true)
        {
            _position = 0;
            _end = _reader.Read(_chunk, 0, _chunk.Length);
            if (_end == 0)
            {
                return false;
            }

            if (!_started)
            {
                _started = true;
                if (_chunk[0] == '\uFEFF')
                {
                    _position = 1;
                }
            }

            if (_position < _end)
            {
                return true;
            }
        }
    }

    /// <summary>How many characters of whitespace other than line breaks <paramref name="span"/> starts with.</summary>
    private static int LeadingWhitespace(ReadOnlySpan<char> span)
    {
        var i = 0;
        while (i < span.Length && span[i] is not ('\r' or '\n') && char.IsWhiteSpace(span[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Consumes <paramref name="count"/> characters of the record that are not part of a field's value.</summary>
    private void Skip(int count)
    {
        _recordLength += count;
        if (_recordLength > _limits.MaxRecordLength)
        {
            throw RecordTooLong();
        }

        _position += count;
    }

    /// <summary>Consumes <paramref name="chars"/> of the chunk into the current field.</summary>
    private void Keep(ReadOnlySpan<char> chars, bool unquoted = false)
    {
        Store(chars, unquoted);
        _position += chars.Length;
    }

    /// <summary>
    /// Appends <paramref name="chars"/> to the current field, checking both limits before anything is copied. An unquoted
    /// field's trailing whitespace, trimmed at its end, counts towards the record's limit only.
    /// </summary>
    private void Store(ReadOnlySpan<char> chars, bool unquoted = false)
    {
        var grows = unquoted ? chars.TrimEnd().Length : chars.Length;
        if (grows > 0 && _textLength - _fieldStart + grows > _limits.MaxFieldLength)
        {
            throw new CsvFormatException(FileName, Line,
                $"a field is longer than {_limits.MaxFieldLength:N0} characters (raise --max-field-length)");
        }

        if (_recordLength + chars.Length > _limits.MaxRecordLength)
        {
            throw RecordTooLong();
        }

        if (_textLength + chars.Length > _text.Length)
        {
            // The record's characters bound its fields' (the checks above passed), so the buffer never outgrows that limit.
            Array.Resize(ref _text, (int)Math.Min(Math.Max(2L * _text.Length, _textLength + chars.Length), _limits.MaxRecordLength));
        }

        chars.CopyTo(_text.AsSpan(_textLength));
        _textLength += chars.Length;
        _recordLength += chars.Length;
    }

    private void EndField(bool trim)
    {
        if (trim)
        {
            while (_textLength > _fieldStart && char.IsWhiteSpace(_text[_textLength - 1]))
            {
                _textLength--;
            }
        }

        if (FieldCount == _limits.MaxColumns)
        {
            throw new CsvFormatException(FileName, Line, $"the record has more than {_limits.MaxColumns:N0} fields");
        }

        if (FieldCount == _fieldEnds.Length)
        {
            Array.Resize(ref _fieldEnds, Math.Min(2 * _fieldEnds.Length, _limits.MaxColumns));
        }

        _fieldEnds[FieldCount++] = _textLength;
        _fieldStart = _textLength;
    }

    /// <summary>Consumes the line break <paramref name="c"/> (the '\n' of a "\r\n" is dropped when it arrives).</summary>
    private void EndLine(char c)
    {
        _position++;
        _line++;
        _skipLineFeed = c == '\r';
    }

    private CsvFormatException RecordTooLong() =>
        new(FileName, Line, $"the record is longer than {_limits.MaxRecordLength:N0} characters (raise --max-line-length)");
}
