namespace Unlearning.Storage;

/// <summary>
/// Clears what a store keeps of overwritten or deleted rows (dead row versions, free pages) once a forget has
/// rewritten them. The silo registers one per store that needs it; a forget returns only after it ran.
/// </summary>
public interface IForgottenDataScrubber
{
    /// <param name="grainKeys">The string keys of the grains whose rows the forget rewrote (its shard).</param>
    Task ScrubAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken);
}
