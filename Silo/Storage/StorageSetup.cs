using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Unlearning.Client;
using Unlearning.Silo.Storage.Sqlite;
using Unlearning.Storage;

namespace Unlearning.Silo.Storage;

public static class StorageSetup
{
    /// <summary>
    /// Registers the grain storage providers the grains use (<see cref="StorageNames.Models"/>,
    /// <see cref="StorageNames.Shards"/>) on the configured store, with the Orleans binary serializer,
    /// the schema installer and what clears forgotten data from the store's files (PostgreSQL: vacuum of dead row
    /// versions; SQLite: a checkpoint that empties the write-ahead log). SQLite uses the project's own provider
    /// (<see cref="SqliteGrainStorage"/>: group commit); PostgreSQL Orleans' ADO.NET provider.
    /// </summary>
    public static ISiloBuilder AddUnlearningStorage(this ISiloBuilder silo, StorageOptions options)
    {
        var storage = options.Validated();
        silo.Services.AddSingleton(storage);
        silo.Services.AddSingleton<GrainStateScrubber>();
        silo.Services.AddSingleton<IForgottenDataScrubber>(services => services.GetRequiredService<GrainStateScrubber>());
        silo.Services.AddHostedService<GrainStateScrubberService>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaInstallation>();
        silo.Services.AddSingleton<IIncomingGrainCallFilter, StoreFailureFilter>();

        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                foreach (var name in new[] { StorageNames.Models, StorageNames.Shards })
                {
                    // The same binary format as the databases: memory then costs what storage costs, minus the I/O; immutable
                    // states (record chunks) are kept as objects, shared with the shards that hold them.
                    silo.AddMemoryGrainStorage(name, builder => builder.Configure<Serializer>((options, serializer) =>
                        options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
                    silo.Services.AddGrainStorage(name, SharedImmutableMemoryStorage.Create);
                }
                break;
            case StorageProvider.Sqlite:
                // One store per silo (disposed with it), shared by both providers, so their writes share commits.
                silo.Services.AddSingleton(_ => new SqliteStateStore(
                    SecureSqliteDataSource.BuildConnectionString(storage.SqlitePath, storage.SqliteBusyTimeoutSeconds)));
                silo.Services.AddSingleton<IForgottenDataScrubber, SqliteCheckpointScrubber>();
                foreach (var name in new[] { StorageNames.Models, StorageNames.Shards })
                {
                    silo.Services.AddGrainStorage(name, (services, key) => new SqliteGrainStorage(
                        key,
                        services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                        services.GetRequiredService<SqliteStateStore>(),
                        new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
                        services.GetRequiredService<IActivatorProvider>()));
                }
                break;
            case StorageProvider.Postgres:
                AddAdoNet(silo, options => { options.Invariant = PostgresConnectionString.Invariant; options.ConnectionString = storage.Postgres; });
                break;
            default:
                throw new InvalidOperationException($"unknown storage provider {storage.Provider}");
        }
        return silo;
    }

    private static void AddAdoNet(ISiloBuilder silo, Action<AdoNetGrainStorageOptions> connect)
    {
        foreach (var name in new[] { StorageNames.Models, StorageNames.Shards })
        {
            silo.AddAdoNetGrainStorage(name, builder => builder.Configure<Serializer>((options, serializer) =>
            {
                connect(options);
                // Orleans' binary format: the state types' [Id]s and [Alias]es, not CLR type names, define
                // the stored bytes, so renaming or moving a class keeps old rows readable; and doubles
                // take 8 bytes instead of their decimal text. Each version sealed under a key of its own, kept apart,
                // so that a forget erases the old versions it leaves by erasing their keys.
                options.GrainStorageSerializer = new ShreddableStateSerializer(new OrleansGrainStorageSerializer(serializer));
                // Clearing a state deletes its row instead of leaving an empty one behind.
                options.DeleteStateOnClear = true;
            }));
        }
    }

    /// <summary>Installs the schema before any provider reads its queries (the first lifecycle stage).</summary>
    private sealed class SchemaInstallation(StorageOptions options, ILogger<SchemaInstallation> logger) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaInstallation), ServiceLifecycleStage.First, async cancellationToken =>
            {
                if (options.Provider is StorageProvider.Memory) return;
                var started = System.Diagnostics.Stopwatch.StartNew();
                await SchemaInstaller.InstallAsync(options, cancellationToken);
                logger.LogInformation("Storage schema ({Provider}) checked in {Elapsed} ms", options.Provider, started.ElapsedMilliseconds);
            });
    }
}
