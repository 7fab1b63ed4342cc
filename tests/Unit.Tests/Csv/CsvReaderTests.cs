using Unlearning.Client.Csv;

namespace Unlearning.Tests.Csv;

public sealed class CsvReaderTests
{
    private static CsvRecord[] Read(string text) => [.. new CsvReader(new StringReader(text), "t.csv").ReadAll()];

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        var records = Read("id,name\n\"a,1\",\"say \"\"hi\"\"\"\n\"b\",\"two\nlines\"\nc,plain\n");

        Assert.Equal(["a,1", "say \"hi\""], records[1].Fields);
        Assert.Equal(["b", "two\nlines"], records[2].Fields);
        Assert.Equal(["c", "plain"], records[3].Fields);
        Assert.Equal([1, 2, 3, 5], records.Select(r => r.Line)); // the quoted line break took a line
    }

    [Fact]
    public void Whitespace_around_unquoted_fields_and_around_quotes_is_trimmed_but_not_inside_quotes()
    {
        var records = Read("  a ,\t b\t,  \" c \"  \r\n");

        Assert.Equal(["a", "b", " c "], records[0].Fields);
    }

    [Fact]
    public void Blank_lines_are_skipped_and_line_numbers_stay_physical()
    {
        var records = Read("h\n\n   \nx\r\n\r\ny");

        Assert.Equal([1, 4, 6], records.Select(r => r.Line));
    }

    [Fact]
    public void Trailing_comma_and_empty_quoted_field_are_empty_fields()
    {
        var records = Read("a,,\"\",\n");

        Assert.Equal(["a", "", "", ""], records[0].Fields);
    }

    [Fact]
    public void Unclosed_quote_names_file_and_starting_line()
    {
        var error = Assert.Throws<CsvFormatException>(() => Read("h\nok\n\"never closed\nmore"));

        Assert.Equal("t.csv line 3: a quoted field is not closed before the end of the file", error.Message);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error()
    {
        var error = Assert.Throws<CsvFormatException>(() => Read("h\n\"a\"b,c"));

        Assert.StartsWith("t.csv line 2:", error.Message);
        Assert.Contains("'b' after a closing quote", error.Message);
    }
}
