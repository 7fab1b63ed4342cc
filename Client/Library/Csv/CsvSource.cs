using System.Text;

namespace Unlearning.Client.Csv;

/// <summary>
/// A CSV input (a file, a stream, or text) read once, in one streaming pass, a batch of rows at a time: what the client's
/// file-taking methods read. Opening reads and checks the header; rows are checked as they are read (ids unique and
/// non-empty, numbers finite, labels known), and every problem is a <see cref="CsvFormatException"/> naming the source,
/// line and column. Reads are synchronous: give a request body only once it is buffered.
/// </summary>
public sealed class CsvSource : IDisposable
{
    private long _rows;

    private CsvSource(RecordStream records) => Records = records;

    /// <summary>The name the source is given in messages (the file's path as given).</summary>
    public string Name => Records.FileName;

    /// <summary>The header's column names.</summary>
    public IReadOnlyList<string> Columns => Records.Header.Names;

    /// <summary>The source's size in bytes; 0 when unknown (a stream that cannot seek).</summary>
    public long Length => Records.Length;

    /// <summary>How far the source has been read, in bytes: for progress, not exact.</summary>
    public long Position => Records.Position;

    /// <summary>Told after each batch of rows the cluster has answered (on the thread that sent it).</summary>
    public IProgress<CsvProgress>? Progress { get; set; }

    internal RecordStream Records { get; }

    /// <summary>Opens the file at <paramref name="path"/> and reads its header.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="CsvFormatException">The header is missing or malformed.</exception>
    public static CsvSource Open(string path, CsvLimits? limits = null) => new(RecordStream.Open(path, limits));

    /// <summary>
    /// Reads CSV text from <paramref name="stream"/> (UTF-8, a byte order mark honoured), named <paramref name="name"/>
    /// in messages; the stream is disposed with the source unless <paramref name="leaveOpen"/>. A stream that can seek is
    /// read again from its current start to confirm a suspected duplicate id.
    /// </summary>
    public static CsvSource FromStream(Stream stream, string name, CsvLimits? limits = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var start = stream.CanSeek ? stream.Position : 0;
        var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen);
        Func<TextReader>? reopen = stream.CanSeek ? () => new RewoundReader(stream, start) : null;
        return new(RecordStream.Read(text, reopen, name, limits));
    }

    /// <summary>Reads CSV held in a string, named <paramref name="name"/> in messages.</summary>
    public static CsvSource FromText(string text, string name, CsvLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(RecordStream.Read(new StringReader(text), () => new StringReader(text), name, limits));
    }

    /// <inheritdoc />
    public void Dispose() => Records.Dispose();

    /// <summary>A batch of <paramref name="rows"/> rows was answered.</summary>
    internal void Answered(int rows)
    {
        _rows += rows;
        Progress?.Report(new CsvProgress(_rows, Position, Length));
    }

    /// <summary>The stream read again from <c>start</c>, its position put back when done: the main reader's buffer stays valid.</summary>
    private sealed class RewoundReader : StreamReader
    {
        private readonly Stream _stream;
        private readonly long _resume;

        public RewoundReader(Stream stream, long start)
            : base(Rewind(stream, start, out var resume), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true)
        {
            _stream = stream;
            _resume = resume;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) _stream.Position = _resume;
        }

        private static Stream Rewind(Stream stream, long start, out long resume)
        {
            resume = stream.Position;
            stream.Position = start;
            return stream;
        }
    }
}

/// <summary>How far a <see cref="CsvSource"/> has come: rows answered, bytes read, and its size (0 when unknown).</summary>
public readonly record struct CsvProgress(long Rows, long BytesRead, long Length);
