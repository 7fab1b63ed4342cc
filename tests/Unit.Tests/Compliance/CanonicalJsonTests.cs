using System.Text.Json.Nodes;

namespace Unlearning.Tests.Compliance;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Members_are_sorted_by_code_unit_without_whitespace_and_integers_are_plain()
    {
        var value = JsonNode.Parse("""{ "b": 1, "a": [true, null, "x"], "B": 12.0, "é": -3 }""");
        Assert.Equal("""{"B":12,"a":[true,null,"x"],"b":1,"é":-3}""", CanonicalJson.Text(value));
    }

    [Fact]
    public void Strings_escape_only_quotes_backslashes_and_control_characters()
    {
        var value = new JsonObject { ["s"] = "a\"b\\c\nd\u0001e/<é😀" };
        Assert.Equal("{\"s\":\"a\\\"b\\\\c\\nd\\u0001e/<é😀\"}", CanonicalJson.Text(value));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e300")]
    [InlineData("9007199254740993")]
    public void Fractions_and_integers_beyond_2_to_the_53_are_refused(string number)
    {
        var error = Assert.Throws<FormatException>(() => CanonicalJson.Encode(JsonNode.Parse($$"""{"n": {{number}}}""")));
        Assert.Contains("$.n", error.Message);
    }

    [Fact]
    public void The_same_value_parsed_or_built_encodes_to_the_same_bytes()
    {
        var built = new JsonObject { ["records"] = 12L, ["model"] = "m", ["shard"] = 3 };
        var parsed = JsonNode.Parse(built.ToJsonString());
        Assert.Equal(CanonicalJson.Encode(built), CanonicalJson.Encode(parsed));
    }
}
