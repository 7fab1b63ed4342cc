namespace Unlearning.Cli.Commands;

/// <summary>
/// A file of subjects, one per line (surrounding blanks trimmed, empty lines skipped), read as a stream in parts of
/// at most <see cref="RequestLimits.MaxSubjectsPerPart"/>. Errors name the file and line, never the subject.
/// </summary>
internal sealed class SubjectFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly StreamReader _reader;
    private int _line;

    private SubjectFile(string path)
    {
        FileName = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _reader = new StreamReader(_stream);
    }

    public string FileName { get; }

    public long Length => _stream.Length;

    public long Position => _stream.Position;

    public static SubjectFile Open(string path) => File.Exists(path)
        ? new SubjectFile(path)
        : throw new FileNotFoundException($"file {Quoted.Value(path)} does not exist", path);

    /// <summary>The subjects in parts of up to <paramref name="partSize"/>; the file holds at least one.</summary>
    public IEnumerable<string[]> ReadParts(int partSize)
    {
        var part = new List<string>(partSize);
        var any = false;
        while (_reader.ReadLine() is { } text)
        {
            _line++;
            var subject = text.Trim();
            if (subject.Length == 0) continue;
            if (!ModelLimits.IsValidId(subject))
                throw new FormatException($"file {Quoted.Value(FileName)} line {_line}: a subject must have at most {ModelLimits.MaxIdLength} characters");
            part.Add(subject);
            any = true;
            if (part.Count < partSize) continue;
            yield return [.. part];
            part.Clear();
        }
        if (part.Count > 0) yield return [.. part];
        if (!any) throw new FormatException($"file {Quoted.Value(FileName)} holds no subject (one per line)");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
