namespace Unlearning.Storage;

/// <summary>
/// Clears what a store keeps of overwritten or deleted rows (dead row versions, free pages) once a forget has
/// rewritten them. The silo registers one per store that needs it; a forget returns only after it ran.
/// </summary>
public interface IForgottenDataScrubber
{
    Task ScrubAsync(CancellationToken cancellationToken);
}
