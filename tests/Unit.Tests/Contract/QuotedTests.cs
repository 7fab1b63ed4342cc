namespace Unlearning.Tests.Contract;

public sealed class QuotedTests
{
    [Fact]
    public void Short_values_are_quoted_whole()
    {
        Assert.Equal("'abc'", Quoted.Value("abc"));
        Assert.Equal("(none)", Quoted.Value(null));
    }

    [Fact]
    public void Long_values_are_cut_and_their_length_given()
    {
        var shown = Quoted.Value(new string('x', 10_000));
        Assert.Equal($"'{new string('x', 64)}...' (10,000 characters)", shown);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var value = new string('x', 63) + "😀" + new string('y', 10);
        Assert.Equal($"'{new string('x', 63)}...' (75 characters)", Quoted.Value(value));
    }

    [Fact]
    public void Lists_show_a_few_and_count_the_rest()
    {
        Assert.Equal("'a', 'b'", Quoted.List(["a", "b", "a"]));
        Assert.Equal("'1', '2', '3', '4', '5' and 2 more", Quoted.List(["1", "2", "3", "4", "5", "6", "7"]));
    }
}
