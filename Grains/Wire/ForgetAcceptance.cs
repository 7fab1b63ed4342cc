namespace Unlearning.Wire;

/// <summary>A shard's answer to a forget, given as soon as it stopped serving anything that saw the subject.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetAcceptance")]
public sealed record ForgetAcceptance(
    [property: Id(0)] int RecordsRemoved,
    [property: Id(2)] int SlicesToRetrain,
    [property: Id(3)] long VersionBefore,
    [property: Id(5)] ShardSnapshot Serving);
