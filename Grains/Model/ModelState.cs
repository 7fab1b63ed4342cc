namespace Unlearning.Model;

/// <summary>What a model grain persists: its config and whether it has been trained. Records and weights live in the shards.</summary>
[GenerateSerializer, Alias("Unlearning.ModelState")]
public sealed class ModelState
{
    [Id(0)] public ModelConfig? Config { get; set; }
    [Id(1)] public bool Trained { get; set; }
}
