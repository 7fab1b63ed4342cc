namespace Unlearning;

/// <summary>
/// The cluster's store (SQLite or PostgreSQL) failed a read or write that the call needed: too many connections, a
/// lost connection, a full disk. The message names the store's error (its code and text), never a row. What the call
/// had done before is as the store kept it: ask for the model's status, or a forget request's, before doing it again.
/// </summary>
[GenerateSerializer, Alias("Unlearning.StoreFailedException")]
public sealed class StoreFailedException : Exception
{
    public const string Prefix = "the store failed: ";

    public StoreFailedException()
    {
    }

    public StoreFailedException(string message) : base(message)
    {
    }

    public StoreFailedException(string message, Exception inner) : base(message, inner)
    {
    }
}
