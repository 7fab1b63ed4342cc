using Microsoft.Extensions.Configuration;
using Unlearning.Silo;

namespace Unlearning.Bench.Infrastructure;

/// <summary>Where the silos keep grain state. Only memory exists in this build; the others slot in here.</summary>
public enum StorageKind
{
    Memory,
    Sqlite,
    PostgreSql,
}

public static class StorageBackends
{
    public static IReadOnlyList<StorageKind> All { get; } = Enum.GetValues<StorageKind>();

    public static string DisplayName(StorageKind kind) => kind switch
    {
        StorageKind.Memory => "memory",
        StorageKind.Sqlite => "SQLite",
        StorageKind.PostgreSql => "PostgreSQL",
        _ => kind.ToString(),
    };

    /// <summary>Null when the backend can be benchmarked; otherwise why not.</summary>
    public static string? Unavailable(StorageKind kind) => kind switch
    {
        StorageKind.Memory => null,
        // Durable grain storage is being built on another branch; when AddUnlearningGrains can select it,
        // Configure below passes the provider's settings and this returns null (after starting PostgreSQL).
        _ => "not available in this build (durable storage is not merged yet)",
    };

    /// <summary>The production silo setup for <paramref name="kind"/>.</summary>
    public static void Configure(StorageKind kind, ISiloBuilder silo, IConfiguration configuration)
    {
        if (Unavailable(kind) is { } reason) throw new NotSupportedException($"{DisplayName(kind)} storage is {reason}");
        silo.AddUnlearningGrains(configuration);
    }
}
