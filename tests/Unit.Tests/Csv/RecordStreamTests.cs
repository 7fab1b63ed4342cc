using System.Text;
using Unlearning.Client.Csv;

namespace Unlearning.Tests.Csv;

public sealed class RecordStreamTests
{
    private static readonly string[] Schema = ["x", "y"];

    private static RecordStream Open(string text, CsvLimits? limits = null, int bufferSize = CsvReader.DefaultBufferSize,
        IdSet.Hasher? hash = null) =>
        RecordStream.Open(() => new StringReader(text), "t.csv", limits, bufferSize, hash);

    private static RecordBatch[] Batches(string text, LabelColumn label = LabelColumn.Required, int batchSize = 100,
        IReadOnlyList<string>? modelLabels = null, int bufferSize = CsvReader.DefaultBufferSize, IdSet.Hasher? hash = null)
    {
        using var records = Open(text, bufferSize: bufferSize, hash: hash);
        return [.. records.ReadBatches(ColumnLayout.ForSchema(records.Header, label, Schema), batchSize, modelLabels)];
    }

    private static RecordBatch Single(string text, LabelColumn label = LabelColumn.Required) => Assert.Single(Batches(text, label));

    private static string Error(string text, LabelColumn label = LabelColumn.Required, IReadOnlyList<string>? modelLabels = null) =>
        Assert.Throws<CsvFormatException>(() => Batches(text, label, modelLabels: modelLabels)).Message;

    [Fact]
    public void Reads_ids_subjects_features_and_labels()
    {
        var batch = Single("id,subject,x,y,label\nr1,s1,1.5,-2e3,yes\nr2,s1,0,.25,no\n");

        Assert.Equal(["r1", "r2"], batch.Ids);
        Assert.Equal(["s1", "s1"], batch.Subjects);
        Assert.Equal([1.5, -2000], batch.Features[0]);
        Assert.Equal([0, 0.25], batch.Features[1]);
        Assert.Equal(["yes", "no"], batch.Labels!);
        Assert.Null(batch.LabelIndices);
        Assert.Equal([2, 3], batch.Lines);
    }

    [Fact]
    public void Subject_is_the_id_when_the_file_has_no_subject_column()
    {
        var batch = Single("id,x,y,label\nr1,1,2,a\n");

        Assert.Equal(["r1"], batch.Subjects);
    }

    [Fact]
    public void An_empty_subject_cell_is_an_error_not_the_id()
    {
        // Were it the id, forgetting the subject the row belongs to would leave the row behind.
        Assert.Equal("t.csv line 3, column 'subject': empty subject", Error("id,subject,x,y,label\nr1,s,1,2,a\nr2,,1,2,a\n"));
        Assert.Equal("t.csv line 2, column 'subject': empty subject", Error("id,subject,x,y\nr1,\"\",1,2\n", LabelColumn.Ignored));
    }

    [Fact]
    public void Feature_columns_are_reordered_to_the_schema_order()
    {
        var batch = Single("label,y,id,x\na,2,r1,1\n");

        Assert.Equal([1.0, 2.0], batch.Features[0]);
    }

    [Fact]
    public void From_header_takes_every_other_column_as_a_feature_in_file_order()
    {
        using var records = Open("b,id,label,subject,a\n1,r1,l,s,2\n");
        var layout = ColumnLayout.FromHeader(records.Header, LabelColumn.Required);

        Assert.Equal(["b", "a"], layout.FeatureNames);
        Assert.Equal([1.0, 2.0], Assert.Single(records.ReadBatches(layout, 10)).Features[0]);
    }

    [Fact]
    public void Mismatched_feature_columns_name_the_missing_and_the_unexpected()
    {
        var error = Error("id,x,z,w,label\nr1,1,2,3,a\n");

        Assert.Equal("t.csv: the feature columns do not match the model's: missing 'y'; unexpected 'z', 'w'", error);
    }

    [Fact]
    public void Only_missing_columns_are_named_when_nothing_is_unexpected()
    {
        var error = Error("id,x,label\nr1,1,a\n");

        Assert.Contains("missing 'y'", error);
        Assert.DoesNotContain("unexpected", error);
    }

    [Fact]
    public void Many_unexpected_columns_are_counted_not_all_named()
    {
        var header = "id,x,y,label," + string.Join(",", Enumerable.Range(0, 500).Select(i => $"extra{i}"));

        var error = Error(header + "\n");

        Assert.EndsWith("unexpected 'extra0', 'extra1', 'extra2', 'extra3', 'extra4', 'extra5', 'extra6', 'extra7', 'extra8', 'extra9' and 490 more", error);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("Inf")]
    [InlineData("-Inf")]
    [InlineData("+inf")]
    [InlineData("INF")]
    [InlineData("1e400")]
    [InlineData("-1e309")]
    public void Non_finite_values_are_rejected_naming_line_and_column(string value)
    {
        var error = Error($"id,x,y,label\nr1,1,2,a\nr2,1,{value},a\n");

        Assert.Equal($"t.csv line 3, column 'y': '{value}' is not a finite number (NaN and infinity are rejected)", error);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData("0x10")]
    [InlineData("1.2.3")]
    [InlineData("infinite")]
    [InlineData("--inf")]
    public void Non_numeric_values_are_rejected_naming_line_and_column(string value)
    {
        var error = Error($"id,x,y,label\nr1,\"{value}\",2,a\n");

        Assert.Equal($"t.csv line 2, column 'x': '{value}' is not a number", error);
    }

    [Fact]
    public void A_long_value_is_cut_in_the_error()
    {
        var error = Error($"id,x,y,label\nr1,1,{new string('z', 4_000)},a\n");

        Assert.Equal($"t.csv line 2, column 'y': '{new string('z', 64)}...' (4,000 characters) is not a number", error);
    }

    [Fact]
    public void Empty_value_is_rejected()
    {
        Assert.Equal("t.csv line 2, column 'y': empty value", Error("id,x,y,label\nr1,1, ,a\n"));
    }

    [Fact]
    public void Empty_id_is_rejected()
    {
        Assert.Equal("t.csv line 3, column 'id': empty id", Error("id,x,y,label\nr1,1,2,a\n\"\",1,2,a\n"));
    }

    [Fact]
    public void Empty_label_is_rejected_when_labels_are_required()
    {
        Assert.Equal("t.csv line 2, column 'label': empty label", Error("id,x,y,label\nr1,1,2,\n"));
    }

    [Fact]
    public void Missing_id_column_is_rejected()
    {
        Assert.Equal("t.csv line 1: missing required column 'id'", Error("key,x,y,label\nr1,1,2,a\n"));
    }

    [Fact]
    public void Missing_label_column_is_rejected_when_required_and_fine_when_ignored()
    {
        Assert.Equal("t.csv line 1: missing required column 'label'", Error("id,x,y\nr1,1,2\n"));

        var batch = Single("id,x,y\nr1,1,2\n", LabelColumn.Ignored);
        Assert.Null(batch.Labels);
        Assert.Null(batch.LabelIndices);
    }

    [Fact]
    public void Ignored_label_column_is_not_validated_nor_a_feature()
    {
        var batch = Single("id,x,y,label\nr1,1,2,\n", LabelColumn.Ignored);

        Assert.Equal([1.0, 2.0], batch.Features[0]);
        Assert.Null(batch.Labels);
    }

    [Theory]
    [InlineData("id,x\nr1,1,2\n", "t.csv line 2: expected 2 fields (as in the header), found 3")]
    [InlineData("id,x,y\nr1,1,2\nr2,1\n", "t.csv line 3: expected 3 fields (as in the header), found 2")]
    public void Wrong_number_of_fields_names_the_line_and_counts(string text, string message)
    {
        using var records = Open(text);
        var layout = ColumnLayout.FromHeader(records.Header, LabelColumn.Ignored);

        Assert.Equal(message, Assert.Throws<CsvFormatException>(() => records.ReadBatches(layout, 10).ToArray()).Message);
    }

    [Theory]
    [InlineData("\n  \n", "t.csv: the file is empty; expected a header row")]
    [InlineData("id,x,x\n", "t.csv line 1: column 'x' appears twice in the header")]
    [InlineData("id,,x\n", "t.csv line 1: header column 2 has no name")]
    public void Header_problems_are_found_when_the_file_is_opened(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<CsvFormatException>(() => Open(text)).Message);
    }

    [Fact]
    public void The_header_is_held_to_the_limits_too()
    {
        var header = $"id,x,{new string('y', 5_000)}\n";

        Assert.Equal("t.csv line 1: a field is longer than 4,096 characters (raise --max-field-length)",
            Assert.Throws<CsvFormatException>(() => Open(header)).Message);
        Assert.Equal("t.csv line 1: the record is longer than 100 characters (raise --max-line-length)",
            Assert.Throws<CsvFormatException>(() => Open(header, CsvLimits.Default with { MaxFieldLength = 10_000, MaxRecordLength = 100 })).Message);
        Assert.Equal(3, Open(header, CsvLimits.Default with { MaxFieldLength = 5_000 }).Header.Count);
    }

    [Fact]
    public void A_column_named_at_length_is_cut_in_errors()
    {
        var name = new string('q', 300);

        var error = Error($"id,x,y,label,{name}\nr1,1,2,a,3\n");

        Assert.EndsWith($"unexpected '{new string('q', 64)}...' (300 characters)", error);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() => RecordStream.Open("no/such/file.csv"));

        Assert.Equal("file 'no/such/file.csv' does not exist", error.Message);
    }

    [Fact]
    public void File_without_rows_is_rejected()
    {
        Assert.Equal("t.csv: the file has a header but no records", Error("id,x,y,label\n"));
    }

    [Fact]
    public void Rows_come_in_batches_of_the_size_asked_in_file_order()
    {
        var batches = Batches("id,x,y,label\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"r{i},{i},0,a\n\n")), batchSize: 2);

        Assert.Equal([2, 2, 1], batches.Select(b => b.Count));
        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], batches.SelectMany(b => b.Ids));
        Assert.Equal([2, 4, 6, 8, 10], batches.SelectMany(b => b.Lines));
        Assert.Equal([0.0, 1, 2, 3, 4], batches.SelectMany(b => b.Features).Select(f => f[0]));
    }

    [Fact]
    public void A_file_may_be_read_once()
    {
        using var records = Open("id,x,y\nr1,1,2\n");
        var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Ignored, Schema);
        _ = records.ReadBatches(layout, 10).ToArray();

        Assert.Throws<InvalidOperationException>(() => records.ReadBatches(layout, 10));
    }

    [Fact]
    public void Duplicate_ids_name_the_line_and_the_first_line_even_batches_apart()
    {
        using var records = Open("id,x,y,label\na,1,2,l\nb,1,2,l\nc,1,2,l\n\nb,1,2,l\n");
        using var batches = records.ReadBatches(ColumnLayout.ForSchema(records.Header, LabelColumn.Required, Schema), 2).GetEnumerator();

        Assert.True(batches.MoveNext()); // a and b go before the duplicate is read
        var error = Assert.Throws<CsvFormatException>(() => batches.MoveNext());

        Assert.Equal("t.csv line 6, column 'id': duplicate id 'b', first on line 3", error.Message);
    }

    [Fact]
    public void Ids_whose_hashes_collide_are_not_duplicates_but_a_repeated_one_still_is()
    {
        IdSet.Hasher collide = _ => 42;

        var batches = Batches("id,x,y,label\na,1,2,l\nb,1,2,l\nc,1,2,l\n", batchSize: 2, hash: collide);
        Assert.Equal(["a", "b", "c"], batches.SelectMany(b => b.Ids));

        var error = Assert.Throws<CsvFormatException>(() => Batches("id,x,y,label\na,1,2,l\nb,1,2,l\nc,1,2,l\nb,1,2,l\n", hash: collide));
        Assert.Equal("t.csv line 5, column 'id': duplicate id 'b', first on line 3", error.Message);
    }

    [Fact]
    public void The_id_set_holds_hashes_not_ids()
    {
        var ids = new IdSet();
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(ids.Add($"id-{i}"));
        }

        Assert.False(ids.Add("id-99999"));
        Assert.True(ids.Add("id-100000"));
        Assert.Equal(100_001, ids.Count);
    }

    [Fact]
    public void Labels_map_to_indices_into_the_model_labels()
    {
        var batch = Assert.Single(Batches("id,x,y,label\n1,0,0,no\n2,0,0,yes\n3,0,0,no\n", modelLabels: ["yes", "no"]));

        Assert.Equal([1, 0, 1], batch.LabelIndices!);
        Assert.Null(batch.Labels);
    }

    [Fact]
    public void An_unknown_label_names_its_line_and_the_model_labels()
    {
        var error = Error("id,x,y,label\n1,0,0,no\n2,0,0,maybe\n", modelLabels: ["no", "yes"]);

        Assert.Equal("t.csv line 3, column 'label': 'maybe' is not one of the model's labels ('no', 'yes')", error);
    }

    [Fact]
    public void Raw_labels_share_one_string_per_value()
    {
        var batch = Single("id,x,y,label\n1,0,0,yes\n2,0,0,yes\n");

        Assert.Same(batch.Labels![0], batch.Labels[1]);
    }

    [Fact]
    public void More_distinct_labels_than_a_model_may_have_are_refused()
    {
        var rows = string.Concat(Enumerable.Range(0, RecordStream.MaxDistinctLabels + 1).Select(i => $"r{i},0,0,label{i}\n"));

        var error = Error("id,x,y,label\n" + rows);

        Assert.Equal($"t.csv line {RecordStream.MaxDistinctLabels + 2}, column 'label': more than 10,000 distinct labels; a model has at most 10,000", error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void Quoted_multi_line_fields_read_the_same_across_buffer_boundaries(int bufferSize)
    {
        var text = "id,subject,x,y\r\n\"r\r\n1\",\"a,\"\"b\"\"\r\nc\",1,2\r\n\r\nr2,\" s \",3,4\r\n";

        var batch = Assert.Single(Batches(text, LabelColumn.Ignored, bufferSize: bufferSize));

        Assert.Equal(["r\n1", "r2"], batch.Ids);
        Assert.Equal(["a,\"b\"\nc", " s "], batch.Subjects);
        Assert.Equal([2, 6], batch.Lines);
        Assert.Equal([[1.0, 2], [3.0, 4]], batch.Features);
    }

    [Fact]
    public void A_file_with_a_byte_order_mark_and_crlf_lines_reads_its_first_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bom-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "id,x,y\r\nr1,1,2\r\nr2,3,4\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            using var records = RecordStream.Open(path);

            Assert.Equal("id", records.Header.Names[0]);
            var batch = Assert.Single(records.ReadBatches(ColumnLayout.ForSchema(records.Header, LabelColumn.Ignored, Schema), 10));
            Assert.Equal(["r1", "r2"], batch.Ids);
            Assert.Equal([3, 4], batch.Features[1]);
            Assert.Equal(new FileInfo(path).Length, records.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
