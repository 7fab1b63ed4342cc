namespace Unlearning.Tests.Contract;

public sealed class WireNamesTests
{
    // Fixed spellings: scripts and stored receipts rely on them, whatever the C# names become.
    [Fact]
    public void Every_enum_value_has_its_fixed_name()
    {
        Assert.Equal(["exact", "retrain", "certified", "influence"], Enum.GetValues<ForgetMethod>().Select(WireNames.Of));
        Assert.Equal(["untrained", "serving", "retraining", "excluded", "unreachable"], Enum.GetValues<ShardServingState>().Select(WireNames.Of));
        Assert.Equal(["average", "vote"], Enum.GetValues<EnsembleMode>().Select(WireNames.Of));
        Assert.Equal(["exact", "certified"], Enum.GetValues<UnlearningMethod>().Select(WireNames.Of));
        Assert.Equal(["accepted", "completed", "failed"], Enum.GetValues<RequestState>().Select(WireNames.Of));
    }

    [Fact]
    public void Names_parse_back_and_nothing_else_does()
    {
        Assert.Equal(EnsembleMode.Vote, WireNames.ParseEnsemble("vote"));
        Assert.Equal(UnlearningMethod.Certified, WireNames.ParseUnlearning("certified"));
        Assert.Null(WireNames.ParseEnsemble("Vote"));
        Assert.Null(WireNames.ParseUnlearning("approximate"));
        Assert.Null(WireNames.ParseUnlearning(null));
        Assert.Equal("'average' or 'vote'", WireNames.Alternatives<EnsembleMode>(WireNames.Of));
        Assert.Equal("exact|certified", WireNames.Choices<UnlearningMethod>(WireNames.Of));
    }
}
