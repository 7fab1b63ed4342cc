using Unlearning.Client.Csv;

namespace Unlearning.Tests.Csv;

public sealed class CsvTableTests
{
    private static CsvTable Parse(string text) => CsvTable.Parse(new StringReader(text), "t.csv");

    [Fact]
    public void First_record_is_the_header_and_the_rest_are_rows()
    {
        var table = Parse("id, x ,label\nr1,1,a\nr2,2,b\n");

        Assert.Equal(["id", "x", "label"], table.Header);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(1, table.IndexOf("x"));
        Assert.Equal(-1, table.IndexOf("subject"));
        Assert.Equal(3, table.Rows[1].Line);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var error = Assert.Throws<CsvFormatException>(() => Parse("\n  \n"));

        Assert.Equal("t.csv: the file is empty; expected a header row", error.Message);
    }

    [Theory]
    [InlineData("id,x\nr1,1,2\n", "t.csv line 2: expected 2 fields (as in the header), found 3")]
    [InlineData("id,x,y\nr1,1,2\nr2,1\n", "t.csv line 3: expected 3 fields (as in the header), found 2")]
    public void Wrong_number_of_fields_names_the_line_and_counts(string text, string message)
    {
        var error = Assert.Throws<CsvFormatException>(() => Parse(text));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Duplicate_header_column_is_an_error()
    {
        var error = Assert.Throws<CsvFormatException>(() => Parse("id,x,x\n"));

        Assert.Equal("t.csv line 1: column 'x' appears twice in the header", error.Message);
    }

    [Fact]
    public void Unnamed_header_column_is_an_error()
    {
        var error = Assert.Throws<CsvFormatException>(() => Parse("id,,x\n"));

        Assert.Equal("t.csv line 1: header column 2 has no name", error.Message);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CsvTable.Load("no/such/file.csv"));

        Assert.Equal("file 'no/such/file.csv' does not exist", error.Message);
    }
}
