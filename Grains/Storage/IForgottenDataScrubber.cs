namespace Unlearning.Storage;

/// <summary>
/// Clears what a store keeps of overwritten or deleted rows (dead row versions, free pages) once a forget has
/// rewritten them. The silo registers one per store that needs it; a forget returns only after it ran.
/// </summary>
public interface IForgottenDataScrubber
{
    /// <summary>
    /// Records, before a forget or delete rewrites these grains' rows, that their old versions must be scrubbed; the
    /// record stays until a scrub has cleared them, so a scrub cut short (a silo killed, a transaction holding it
    /// back) is finished later by the store's periodic maintenance.
    /// </summary>
    /// <param name="grainKeys">The string keys of the grains whose rows are about to be rewritten.</param>
    Task OweAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken);

    /// <param name="grainKeys">The string keys of the grains whose rows the forget rewrote (its shard).</param>
    Task ScrubAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken);
}
