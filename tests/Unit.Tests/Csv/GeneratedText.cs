namespace Unlearning.Tests.Csv;

/// <summary>
/// <paramref name="prefix"/>, then <paramref name="count"/> copies of <paramref name="fill"/>, then <paramref name="suffix"/>,
/// made as they are read: a 10 MB field without a 10 MB string, so a test can see what reading it allocates.
/// </summary>
internal sealed class GeneratedText(string prefix, string fill, int count, string suffix = "") : TextReader
{
    private readonly long _length = prefix.Length + (long)fill.Length * count + suffix.Length;
    private long _position;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < _length)
        {
            buffer[written++] = At(_position++);
        }

        return written;
    }

    public override int Read() => _position < _length ? At(_position++) : -1;

    public override int Peek() => _position < _length ? At(_position) : -1;

    private char At(long position)
    {
        if (position < prefix.Length)
        {
            return prefix[(int)position];
        }

        position -= prefix.Length;
        var filled = (long)fill.Length * count;
        return position < filled ? fill[(int)(position % fill.Length)] : suffix[(int)(position - filled)];
    }
}
