using System.Globalization;
using System.Text;

namespace Unlearning.Client.Csv;

/// <summary>
/// A data file read in one pass: the header when opened, then batches of validated rows (non-empty unique ids, non-empty
/// subjects where the file has a subject column, finite features, non-empty labels where the layout reads them), so
/// that memory holds one batch at a time. Every problem names the file, the line and, for a cell, the column.
/// </summary>
internal sealed class RecordStream : IDisposable
{
    /// <summary>The most distinct labels a file read without the model's labels may have (create's label set).</summary>
    public const int MaxDistinctLabels = 10_000;

    private readonly Func<TextReader>? _reopen;
    private readonly TextReader _text;
    private readonly CsvReader _csv;
    private readonly CsvLimits _limits;
    private readonly int _bufferSize;
    private readonly IdSet _ids;
    private readonly Stream? _file;
    private bool _read;

    private RecordStream(TextReader text, Func<TextReader>? reopen, string fileName, CsvLimits? limits, int bufferSize, IdSet.Hasher? hash)
    {
        _reopen = reopen;
        _limits = limits ?? CsvLimits.Default;
        _bufferSize = bufferSize;
        _ids = new IdSet(hash);
        _text = text;
        _file = _text is StreamReader { BaseStream.CanSeek: true } reader ? reader.BaseStream : null;
        try
        {
            _csv = new CsvReader(_text, fileName, _limits, bufferSize);
            Header = CsvHeader.Read(_csv);
        }
        catch
        {
            _text.Dispose();
            throw;
        }
    }

    public string FileName => _csv.FileName;

    public CsvHeader Header { get; }

    /// <summary>The file's size in bytes (0 when not a file), and how far it has been read: for progress, not exact.</summary>
    public long Length => _file?.Length ?? 0;

    public long Position => _file?.Position ?? 0;

    /// <summary>Opens <paramref name="path"/> and reads its header.</summary>
    public static RecordStream Open(string path, CsvLimits? limits = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"file '{path}' does not exist", path);
        }

        return new RecordStream(OpenText(path), () => OpenText(path), path, limits, CsvReader.DefaultBufferSize, null);
    }

    /// <summary>
    /// Reads <paramref name="text"/>, named <paramref name="name"/> in messages. <paramref name="reopen"/> gives the same
    /// text from its start, to confirm a suspected duplicate id; without it (a stream that cannot seek), an id whose hash
    /// was seen before is reported as a duplicate (wrongly so with probability about n^2/2^65 over n ids).
    /// </summary>
    public static RecordStream Read(TextReader text, Func<TextReader>? reopen, string name, CsvLimits? limits = null) =>
        new(text, reopen, name, limits, CsvReader.DefaultBufferSize, null);

    /// <summary>
    /// As <see cref="Open(string, CsvLimits?)"/> over text that <paramref name="open"/> supplies, afresh on each call (a suspected
    /// duplicate id is confirmed by reading the text again). For tests: a small buffer, a hash that collides.
    /// </summary>
    internal static RecordStream Open(Func<TextReader> open, string fileName, CsvLimits? limits = null,
        int bufferSize = CsvReader.DefaultBufferSize, IdSet.Hasher? hash = null) =>
        new(open(), open, fileName, limits, bufferSize, hash);

    /// <summary>
    /// The file's rows in batches of up to <paramref name="batchSize"/>, as <paramref name="layout"/> places them. With
    /// <paramref name="modelLabels"/>, labels are read as indices into them (an unknown label is an error); without, as
    /// strings (at most <see cref="MaxDistinctLabels"/> distinct ones). A file may be read once.
    /// </summary>
    public IEnumerable<RecordBatch> ReadBatches(ColumnLayout layout, int batchSize, IReadOnlyList<string>? modelLabels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (_read)
        {
            throw new InvalidOperationException("the file has already been read");
        }

        _read = true;
        return Batches(new RowReader(this, layout, modelLabels), batchSize);
    }

    public void Dispose() => _text.Dispose();

    private IEnumerable<RecordBatch> Batches(RowReader rows, int batchSize)
    {
        var any = false;
        while (rows.ReadBatch(batchSize) is { } batch)
        {
            any = true;
            yield return batch;
        }

        if (!any)
        {
            throw new CsvFormatException(FileName, "the file has a header but no records");
        }
    }

    private static StreamReader OpenText(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan),
            Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);

    /// <summary>
    /// The line of the first record before <paramref name="line"/> whose id is <paramref name="id"/>, read afresh; null if
    /// none; 0 when the text cannot be read again.
    /// </summary>
    private int? EarlierLineOf(ReadOnlySpan<char> id, int column, int line)
    {
        if (_reopen is null) return 0;
        using var text = _reopen();
        var csv = new CsvReader(text, FileName, _limits, _bufferSize);
        csv.Read(); // the header
        while (csv.Read() && csv.Line < line)
        {
            if (column < csv.FieldCount && csv.Field(column).SequenceEqual(id))
            {
                return csv.Line;
            }
        }

        return null;
    }

    /// <summary>Validates one row at a time into the arrays of the batch being filled.</summary>
    private sealed class RowReader
    {
        private const int LabelsNamed = 10;

        private readonly RecordStream _stream;
        private readonly CsvReader _csv;
        private readonly ColumnLayout _layout;
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>>? _modelLabels;
        private readonly IReadOnlyList<string>? _modelLabelNames;
        private readonly HashSet<string>? _distinctLabels;
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _distinctLookup;

        public RowReader(RecordStream stream, ColumnLayout layout, IReadOnlyList<string>? modelLabels)
        {
            _stream = stream;
            _csv = stream._csv;
            _layout = layout;
            if (layout.Label is null)
            {
                return;
            }

            if (modelLabels is null)
            {
                _distinctLabels = new HashSet<string>(StringComparer.Ordinal);
                _distinctLookup = _distinctLabels.GetAlternateLookup<ReadOnlySpan<char>>();
                return;
            }

            var index = new Dictionary<string, int>(modelLabels.Count, StringComparer.Ordinal);
            for (var j = 0; j < modelLabels.Count; j++)
            {
                index[modelLabels[j]] = j;
            }

            _modelLabels = index.GetAlternateLookup<ReadOnlySpan<char>>();
            _modelLabelNames = modelLabels;
        }

        private string FileName => _stream.FileName;

        public RecordBatch? ReadBatch(int size)
        {
            var lines = new int[size];
            var ids = new string[size];
            var subjects = _layout.Subject is null ? ids : new string[size];
            var features = new double[size][];
            var labels = _distinctLabels is null ? null : new string[size];
            var labelIndices = _modelLabels is null ? null : new int[size];
            var count = 0;
            while (count < size && _csv.Read())
            {
                var line = lines[count] = _csv.Line;
                if (_csv.FieldCount != _stream.Header.Count)
                {
                    throw new CsvFormatException(FileName, line,
                        $"expected {_stream.Header.Count} fields (as in the header), found {_csv.FieldCount}");
                }

                ids[count] = ReadId(line);
                if (_layout.Subject is { } subject)
                {
                    subjects[count] = Required(line, subject, "empty subject").ToString();
                }

                features[count] = ReadFeatures(line);
                if (_layout.Label is { } label)
                {
                    var text = Required(line, label, "empty label");
                    if (labels is not null)
                    {
                        labels[count] = Distinct(line, label, text);
                    }
                    else
                    {
                        labelIndices![count] = LabelIndex(line, label, text);
                    }
                }

                count++;
            }

            if (count == 0)
            {
                return null;
            }

            var batchIds = Cut(ids, count);
            return new RecordBatch(Cut(lines, count), batchIds, _layout.Subject is null ? batchIds : Cut(subjects, count),
                Cut(features, count), labels is null ? null : Cut(labels, count), labelIndices is null ? null : Cut(labelIndices, count));
        }

        private static T[] Cut<T>(T[] values, int count) => count == values.Length ? values : values[..count];

        private string ReadId(int line)
        {
            var id = Required(line, _layout.Id, "empty id");
            if (!_stream._ids.Add(id) && _stream.EarlierLineOf(id, _layout.Id, line) is { } first)
            {
                throw Cell(line, _layout.Id, first == 0
                    ? $"duplicate id {Quoted.Value(id.ToString())}, seen on an earlier line"
                    : $"duplicate id {Quoted.Value(id.ToString())}, first on line {first}");
            }

            // A false Add without an earlier line is another id with the same hash: not a duplicate.
            return id.ToString();
        }

        private double[] ReadFeatures(int line)
        {
            var columns = _layout.FeatureColumns;
            var values = new double[columns.Length];
            for (var j = 0; j < values.Length; j++)
            {
                var text = Required(line, columns[j], "empty value");
                var parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
                if (!parsed || !double.IsFinite(value))
                {
                    throw Cell(line, columns[j], parsed || NamesInfinity(text)
                        ? $"{Quoted.Value(text.ToString())} is not a finite number (NaN and infinity are rejected)"
                        : $"{Quoted.Value(text.ToString())} is not a number");
                }

                values[j] = value;
            }

            return values;
        }

        /// <summary>"inf", which .NET does not parse, as well as the "Infinity" and "NaN" it does.</summary>
        private static bool NamesInfinity(ReadOnlySpan<char> text) =>
            (text is ['+' or '-', .. var unsigned] ? unsigned : text).Equals("inf", StringComparison.OrdinalIgnoreCase);

        /// <summary>The label as one shared string per distinct value, so that a million rows of "yes" hold one "yes".</summary>
        private string Distinct(int line, int column, ReadOnlySpan<char> text)
        {
            if (_distinctLookup.TryGetValue(text, out var label))
            {
                return label;
            }

            if (_distinctLabels!.Count == MaxDistinctLabels)
            {
                throw Cell(line, column, $"more than {MaxDistinctLabels:N0} distinct labels; a model has at most {MaxDistinctLabels:N0}");
            }

            label = text.ToString();
            _distinctLabels.Add(label);
            return label;
        }

        private int LabelIndex(int line, int column, ReadOnlySpan<char> text) =>
            _modelLabels!.Value.TryGetValue(text, out var index)
                ? index
                : throw Cell(line, column,
                    $"{Quoted.Value(text.ToString())} is not one of the model's labels ({Quoted.List(_modelLabelNames!, LabelsNamed)})");

        private ReadOnlySpan<char> Required(int line, int column, string problem)
        {
            var text = _csv.Field(column);
            return text.IsEmpty ? throw Cell(line, column, problem) : text;
        }

        private CsvFormatException Cell(int line, int column, string problem) =>
            new(FileName, line, _stream.Header.Names[column], problem);
    }
}
