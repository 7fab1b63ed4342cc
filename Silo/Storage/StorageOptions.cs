using Unlearning.Client;

namespace Unlearning.Silo.Storage;

/// <summary>Where grain state lives.</summary>
public enum StorageProvider
{
    /// <summary>SQLite for a file under <see cref="StorageOptions.DataDirectory"/> when no PostgreSQL connection string is given, PostgreSQL otherwise.</summary>
    Auto = 0,
    /// <summary>Grain state in a SQLite file, localhost clustering: the embedded single-silo default.</summary>
    Sqlite,
    /// <summary>Grain state and cluster membership in PostgreSQL: the cluster mode.</summary>
    Postgres,
    /// <summary>Grain state in memory: lost when the silo stops. For tests.</summary>
    Memory,
}

/// <summary>Grain state storage, bound from the "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string SqliteFileName = "grain-state.db";

    public StorageProvider Provider { get; set; } = StorageProvider.Auto;

    /// <summary>Folder of the SQLite file; default <c>$XDG_DATA_HOME/unlearning</c>, i.e. <c>~/.local/share/unlearning</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Npgsql connection string of the cluster database (cluster mode).</summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// How a forget clears on PostgreSQL the keys of the state versions it replaced (and the versions themselves where
    /// they were stored unsealed): <c>Full</c> (VACUUM FULL of the partitions of state_keys holding the forget's grains:
    /// rewritten and the old files unlinked, under an exclusive lock for the rewrite), <c>Plain</c> (VACUUM: dead
    /// versions become unreachable free space, their bytes stay until overwritten) or <c>Off</c>.
    /// </summary>
    public VacuumMode Vacuum { get; set; } = VacuumMode.Full;

    /// <summary>How often a silo pays the scrubs that forgets left owed (PostgreSQL only).</summary>
    public TimeSpan VacuumInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long SQLite waits for a lock held by another connection before failing.</summary>
    public int SqliteBusyTimeoutSeconds { get; set; } = 60;

    /// <summary>The provider after resolving <see cref="StorageProvider.Auto"/>.</summary>
    public StorageProvider EffectiveProvider => Provider != StorageProvider.Auto ? Provider
        : string.IsNullOrWhiteSpace(Postgres) ? StorageProvider.Sqlite : StorageProvider.Postgres;

    public string EffectiveDataDirectory => Path.GetFullPath(string.IsNullOrWhiteSpace(DataDirectory) ? DefaultDataDirectory() : ExpandHome(DataDirectory));

    public string SqlitePath => Path.Combine(EffectiveDataDirectory, SqliteFileName);

    /// <summary>Command-line switches of this section.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--storage"] = $"{Section}:{nameof(Provider)}",
        ["--data-dir"] = $"{Section}:{nameof(DataDirectory)}",
        ["--postgres"] = $"{Section}:{nameof(Postgres)}",
    };

    /// <summary>Checks the options and resolves <see cref="StorageProvider.Auto"/>.</summary>
    public StorageOptions Validated()
    {
        var provider = EffectiveProvider;
        if (provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(Postgres))
            throw new InvalidOperationException("Storage:Provider is postgres but no connection string was given (Storage:Postgres or --postgres)");
        if (VacuumInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("Storage:VacuumInterval must be positive");
        return new StorageOptions
        {
            Provider = provider,
            DataDirectory = provider == StorageProvider.Sqlite ? EffectiveDataDirectory : DataDirectory,
            Postgres = Postgres,
            Vacuum = Vacuum,
            VacuumInterval = VacuumInterval,
            SqliteBusyTimeoutSeconds = SqliteBusyTimeoutSeconds,
        };
    }

    /// <summary>One line for the start-up banner, without secrets.</summary>
    public string Describe() => EffectiveProvider switch
    {
        StorageProvider.Sqlite => $"sqlite, data directory {EffectiveDataDirectory} (file {SqliteFileName})",
        StorageProvider.Postgres => $"postgres, {PostgresConnectionString.Redact(Postgres!)}",
        StorageProvider.Memory => "memory (grain state is lost when the silo stops)",
        _ => EffectiveProvider.ToString(),
    };

    private static string DefaultDataDirectory()
    {
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome))
            dataHome = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrWhiteSpace(dataHome) ? Path.GetFullPath("data-silo") : Path.Combine(dataHome, "unlearning");
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;
}

public enum VacuumMode
{
    Full = 0,
    Plain,
    Off,
}
