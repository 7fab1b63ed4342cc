using Unlearning.Client.Csv;

namespace Unlearning.Tests.Csv;

public sealed class SchemaFileTests
{
    private static SchemaFile Read(string text) => SchemaFile.Read(RecordStream.Open(() => new StringReader(text), "t.csv"));

    [Fact]
    public void Distinct_labels_are_sorted_ordinal()
    {
        var file = Read("id,x,y,label\n1,0,0,b\n2,0,0,B\n3,0,0,a\n4,0,0,10\n5,0,0,9\n6,0,0,b\n7,0,0,é\n");

        Assert.Equal(["10", "9", "B", "a", "b", "é"], file.Labels);
        Assert.Equal(["x", "y"], file.FeatureNames);
    }

    [Fact]
    public void Statistics_over_many_batches_match_the_two_pass_formulas()
    {
        var xs = Enumerable.Range(0, 45_000).Select(i => Math.Sin(i) * 1e3 + 7).ToArray();
        var text = "id,x,c,label\n" + string.Concat(xs.Select((x, i) => FormattableString.Invariant($"r{i},{x:R},5,a\n")));

        var statistics = Read(text).Statistics();

        var mean = xs.Average();
        var deviation = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / xs.Length);
        Assert.Equal(mean, statistics.Centres[0], 1e-9);
        Assert.Equal(deviation, statistics.Scales[0], 1e-9);
        Assert.Equal((5.0, 1.0), (statistics.Centres[1], statistics.Scales[1])); // a constant feature is centred, not scaled
    }

    [Fact]
    public void Values_too_large_for_statistics_are_an_error_only_when_statistics_are_asked_for()
    {
        var file = Read("id,x,label\nr1,1e308,a\nr2,-1e308,b\n");

        Assert.Equal(["a", "b"], file.Labels);
        var error = Assert.Throws<CsvFormatException>(file.Statistics);
        Assert.Equal("t.csv: the values of feature 'x' are too large to compute their mean and standard deviation", error.Message);
    }

    [Fact]
    public void Reads_the_shipped_breast_cancer_file()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wdbc.csv");
        using var records = RecordStream.Open(path);
        var layout = ColumnLayout.FromHeader(records.Header, LabelColumn.Required);
        var batches = records.ReadBatches(layout, 100).ToArray();

        Assert.Equal([100, 100, 100, 100, 100, 69], batches.Select(b => b.Count));
        Assert.Equal(30, layout.FeatureNames.Count);
        Assert.Equal("mean_radius", layout.FeatureNames[0]);
        Assert.Equal("worst_fractal_dimension", layout.FeatureNames[^1]);
        Assert.Equal(["0", "1"], batches.SelectMany(b => b.Labels!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("P000001", batches[0].Ids[0]);
        Assert.Equal(batches[0].Ids, batches[0].Subjects);
        Assert.Equal(17.99, batches[0].Features[0][0]);
        Assert.Equal(0.1189, batches[0].Features[0][^1]);
        Assert.All(batches.SelectMany(b => b.Features), row => Assert.Equal(30, row.Length));
    }
}
