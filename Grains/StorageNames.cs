namespace Unlearning;

/// <summary>Names of the grain storage providers the silo must register.</summary>
public static class StorageNames
{
    public const string Models = "models";
    public const string Shards = "shards";
}
