namespace Unlearning;

/// <summary>
/// The cluster's list of models (<c>unlearn models</c>): every model created and not deleted. Keyed by
/// <see cref="Key"/>: there is one.
/// </summary>
[Alias("Unlearning.IModelCatalog")]
public interface IModelCatalog : IGrainWithStringKey
{
    const string Key = "models";

    /// <summary>Every model, by name; records and version as each model reports them now.</summary>
    [RequiresRole(Roles.Reader, Action = "list the models")]
    [Alias("List")] Task<ModelSummary[]> List();
}

/// <summary>
/// A model as the catalog lists it. <see cref="Records"/> and <see cref="Version"/> are null when the model did not
/// answer in time; <see cref="Created"/> is null for a model created before the catalog existed.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ModelSummary")]
public sealed record ModelSummary(
    [property: Id(0)] string Model,
    [property: Id(1)] UnlearningMethod Method,
    [property: Id(2)] int Shards,
    [property: Id(3)] long? Records,
    [property: Id(4)] long? Version,
    [property: Id(5)] DateTimeOffset? Created);

/// <summary>What a delete removed: the model's records (as it last counted them) across its shards.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.DeleteResult")]
public sealed record DeleteResult(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] int Shards);
