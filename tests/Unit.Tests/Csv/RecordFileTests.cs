using Unlearning.Client.Csv;

namespace Unlearning.Tests.Csv;

public sealed class RecordFileTests
{
    private static readonly string[] Schema = ["x", "y"];

    private static CsvTable Table(string text) => CsvTable.Parse(new StringReader(text), "t.csv");

    private static RecordFile ForSchema(string text, LabelColumn label = LabelColumn.Required, string[]? schema = null)
    {
        var table = Table(text);
        return RecordFile.Read(table, ColumnLayout.ForSchema(table, label, schema ?? Schema));
    }

    private static string Error(string text, LabelColumn label = LabelColumn.Required) =>
        Assert.Throws<CsvFormatException>(() => ForSchema(text, label)).Message;

    [Fact]
    public void Reads_ids_subjects_features_and_labels()
    {
        var file = ForSchema("id,subject,x,y,label\nr1,s1,1.5,-2e3,yes\nr2,s1,0,.25,no\n");

        Assert.Equal(["r1", "r2"], file.Ids);
        Assert.Equal(["s1", "s1"], file.Subjects);
        Assert.Equal([1.5, -2000], file.Features[0]);
        Assert.Equal([0, 0.25], file.Features[1]);
        Assert.Equal(["yes", "no"], file.Labels!);
        Assert.Equal(2, file.Count);
    }

    [Fact]
    public void Subject_defaults_to_the_id_when_the_column_is_absent_or_the_field_empty()
    {
        Assert.Equal(["r1"], ForSchema("id,x,y,label\nr1,1,2,a\n").Subjects);
        Assert.Equal(["s", "r2"], ForSchema("id,subject,x,y,label\nr1,s,1,2,a\nr2,,1,2,a\n").Subjects);
    }

    [Fact]
    public void Feature_columns_are_reordered_to_the_schema_order()
    {
        var file = ForSchema("label,y,id,x\na,2,r1,1\n");

        Assert.Equal(Schema, file.FeatureNames);
        Assert.Equal([1.0, 2.0], file.Features[0]);
    }

    [Fact]
    public void From_header_takes_every_other_column_as_a_feature_in_file_order()
    {
        var table = Table("b,id,label,subject,a\n1,r1,l,s,2\n");
        var file = RecordFile.Read(table, ColumnLayout.FromHeader(table, LabelColumn.Required));

        Assert.Equal(["b", "a"], file.FeatureNames);
        Assert.Equal([1.0, 2.0], file.Features[0]);
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

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
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
    public void Non_numeric_values_are_rejected_naming_line_and_column(string value)
    {
        var error = Error($"id,x,y,label\nr1,\"{value}\",2,a\n");

        Assert.Equal($"t.csv line 2, column 'x': '{value}' is not a number", error);
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

        var file = ForSchema("id,x,y\nr1,1,2\n", LabelColumn.Ignored);
        Assert.Null(file.Labels);
    }

    [Fact]
    public void Ignored_label_column_is_not_validated_nor_a_feature()
    {
        var file = ForSchema("id,x,y,label\nr1,1,2,\n", LabelColumn.Ignored);

        Assert.Equal(Schema, file.FeatureNames);
        Assert.Null(file.Labels);
    }

    [Fact]
    public void Duplicate_ids_name_the_first_few_with_their_lines()
    {
        var rows = string.Concat(new[] { "a", "b", "a", "c", "b", "d", "c", "d", "e", "e" }.Select(id => $"{id},1,2,l\n"));

        var error = Error("id,x,y,label\n" + rows);

        Assert.Equal("t.csv: duplicate ids: 'a' (lines 2, 4), 'b' (lines 3, 6), 'c' (lines 5, 8) and 2 more", error);
    }

    [Fact]
    public void File_without_rows_is_rejected()
    {
        Assert.Equal("t.csv: the file has a header but no records", Error("id,x,y,label\n"));
    }

    [Fact]
    public void Distinct_labels_are_sorted_ordinal()
    {
        var file = ForSchema("id,x,y,label\n1,0,0,b\n2,0,0,B\n3,0,0,a\n4,0,0,10\n5,0,0,9\n6,0,0,b\n7,0,0,é\n");

        Assert.Equal(["10", "9", "B", "a", "b", "é"], file.DistinctLabels());
    }

    [Fact]
    public void Labels_map_to_indices_into_the_model_labels()
    {
        var file = ForSchema("id,x,y,label\n1,0,0,no\n2,0,0,yes\n3,0,0,no\n");

        Assert.Equal([1, 0, 1], file.LabelIndices(["yes", "no"]));
    }

    [Fact]
    public void Unknown_labels_are_named_with_their_first_line()
    {
        var file = ForSchema("id,x,y,label\n1,0,0,no\n2,0,0,maybe\n3,0,0,perhaps\n4,0,0,maybe\n");

        var error = Assert.Throws<CsvFormatException>(() => file.LabelIndices(["no", "yes"])).Message;

        Assert.Equal("t.csv: labels unknown to the model: 'maybe' (line 3), 'perhaps' (line 4); the model's labels are 'no', 'yes'", error);
    }

    [Fact]
    public void Reads_the_shipped_breast_cancer_file()
    {
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wdbc.csv"));
        var file = RecordFile.Read(table, ColumnLayout.FromHeader(table, LabelColumn.Required));

        Assert.Equal(569, file.Count);
        Assert.Equal(30, file.FeatureNames.Count);
        Assert.Equal("mean_radius", file.FeatureNames[0]);
        Assert.Equal("worst_fractal_dimension", file.FeatureNames[^1]);
        Assert.Equal(["0", "1"], file.DistinctLabels());
        Assert.Equal("P000001", file.Ids[0]);
        Assert.Equal(file.Ids, file.Subjects);
        Assert.Equal(17.99, file.Features[0][0]);
        Assert.Equal(0.1189, file.Features[0][^1]);
        Assert.All(file.Features, row => Assert.Equal(30, row.Length));
    }
}
