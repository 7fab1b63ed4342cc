using Unlearning.Client.Csv;

namespace Unlearning.Tests.Csv;

public sealed class CsvReaderTests
{
    private const string Mixed = "id,name,note\r\n\"a,1\",\"say \"\"hi\"\"\",x\r\n\r\n \"b\" ,\"two\r\nlines\",\"and\nthree\rlines\"\nc,plain, \"\" \r\n";

    private static CsvRecord[] Read(string text, CsvLimits? limits = null, int bufferSize = CsvReader.DefaultBufferSize) =>
        [.. new CsvReader(new StringReader(text), "t.csv", limits, bufferSize).ReadAll()];

    private static string Error(string text, CsvLimits limits) =>
        Assert.Throws<CsvFormatException>(() => Read(text, limits)).Message;

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        var records = Read("id,name\n\"a,1\",\"say \"\"hi\"\"\"\n\"b\",\"two\nlines\"\nc,plain\n");

        Assert.Equal(["a,1", "say \"hi\""], records[1].Fields);
        Assert.Equal(["b", "two\nlines"], records[2].Fields);
        Assert.Equal(["c", "plain"], records[3].Fields);
        Assert.Equal([1, 2, 3, 5], records.Select(r => r.Line)); // the quoted line break took a line
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(64)]
    public void Records_split_across_buffer_boundaries_read_the_same(int bufferSize)
    {
        var records = Read(Mixed, bufferSize: bufferSize);

        Assert.Equal(["id", "name", "note"], records[0].Fields);
        Assert.Equal(["a,1", "say \"hi\"", "x"], records[1].Fields);
        Assert.Equal(["b", "two\nlines", "and\nthree\nlines"], records[2].Fields); // every line break in quotes reads as \n
        Assert.Equal(["c", "plain", ""], records[3].Fields);
        Assert.Equal([1, 2, 4, 8], records.Select(r => r.Line));
    }

    [Fact]
    public void Crlf_lone_cr_and_lf_all_end_lines()
    {
        var records = Read("h1,h2\r\na,b\rc,d\ne,f\r\n");

        Assert.Equal([["h1", "h2"], ["a", "b"], ["c", "d"], ["e", "f"]], records.Select(r => r.Fields));
        Assert.Equal([1, 2, 3, 4], records.Select(r => r.Line));
    }

    [Fact]
    public void A_leading_byte_order_mark_is_dropped()
    {
        Assert.Equal(["id", "x"], Read("\uFEFFid,x\n")[0].Fields);
        Assert.Equal(["id", "x"], Read("\uFEFFid,x\n", bufferSize: 1)[0].Fields);
    }

    [Fact]
    public void Whitespace_around_unquoted_fields_and_around_quotes_is_trimmed_but_not_inside_quotes()
    {
        var records = Read("  a ,\t b\t,  \" c \"  \r\n");

        Assert.Equal(["a", "b", " c "], records[0].Fields);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_a_character()
    {
        Assert.Equal(["ab\"c", "d"], Read("ab\"c,d")[0].Fields);
    }

    [Fact]
    public void Blank_lines_are_skipped_and_line_numbers_stay_physical()
    {
        var records = Read("h\n\n   \nx\r\n\r\ny");

        Assert.Equal([1, 4, 6], records.Select(r => r.Line));
        Assert.Empty(Read(" \n\r\n\t"));
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

    [Fact]
    public void Fields_up_to_the_limit_are_read_and_longer_ones_fail_naming_the_option()
    {
        var limits = CsvLimits.Default with { MaxFieldLength = 5 };

        Assert.Equal(["12345", "abcde", "x y z"], Read("12345,\"abcde\",  x y z  \n", limits)[0].Fields);
        Assert.Equal("t.csv line 2: a field is longer than 5 characters (raise --max-field-length)", Error("a\n123456\n", limits));
        Assert.Equal("t.csv line 2: a field is longer than 5 characters (raise --max-field-length)", Error("a\nx,\"ab\ncdef\"\n", limits));
    }

    [Fact]
    public void Records_up_to_the_limit_are_read_and_longer_ones_fail_naming_the_option_and_the_starting_line()
    {
        var limits = CsvLimits.Default with { MaxRecordLength = 10 };

        Assert.Equal(["1", "2", "3", "4", "5"], Read("1,2,3,4,5\r\n", limits)[0].Fields);
        Assert.Equal("t.csv line 2: the record is longer than 10 characters (raise --max-line-length)", Error("h\n1,2,3,4,5,6\n", limits));
        Assert.Equal("t.csv line 2: the record is longer than 10 characters (raise --max-line-length)", Error("h\n\"1\n2\n3\n4\n5\n6\"\n", limits));
        Assert.Equal("t.csv line 2: the record is longer than 10 characters (raise --max-line-length)", Error("h\n" + new string(' ', 20), limits));
    }

    [Fact]
    public void More_fields_than_the_column_limit_fail()
    {
        var limits = CsvLimits.Default with { MaxColumns = 3 };

        Assert.Equal(3, Read("a,b,c\n", limits)[0].Fields.Length);
        Assert.Equal("t.csv line 1: the record has more than 3 fields", Error("a,b,c,d\n", limits));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_ten_megabyte_field_fails_at_the_limit_without_reading_it_into_memory(bool quoted)
    {
        var text = new GeneratedText(quoted ? "id,x\nr1,\"" : "id,x\nr1,", "y", 10_000_000, quoted ? "\"\n" : "\n");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CsvFormatException>(() => new CsvReader(text, "t.csv").ReadAll().Count());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("t.csv line 2: a field is longer than 4,096 characters (raise --max-field-length)", error.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated:N0} bytes reading a 10 MB field");
    }

    [Fact]
    public void A_ten_megabyte_line_of_short_fields_fails_at_the_limit_without_reading_it_into_memory()
    {
        var text = new GeneratedText("id,x\n", "12345678901234567890,", 500_000, "\n");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CsvFormatException>(() => new CsvReader(text, "t.csv").ReadAll().Count());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("t.csv line 2: the record is longer than 1,048,576 characters (raise --max-line-length)", error.Message);
        Assert.True(allocated < 8_000_000, $"allocated {allocated:N0} bytes reading a 10 MB line"); // the limit itself: 2 MB of chars
    }

    [Fact]
    public void Fields_are_spans_of_the_current_record()
    {
        var reader = new CsvReader(new StringReader("a, bb ,\"c\"\n"), "t.csv");

        Assert.True(reader.Read());
        Assert.Equal(3, reader.FieldCount);
        Assert.Equal("bb", reader.Field(1).ToString());
        Assert.Equal("c", reader.FieldText(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Field(3).Length);
        Assert.False(reader.Read());
    }
}
