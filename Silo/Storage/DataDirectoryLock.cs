namespace Unlearning.Silo.Storage;

/// <summary>
/// Holds an exclusive lock on the SQLite data directory while an embedded (localhost-clustered) silo runs. Two on one
/// file would each think they are the whole cluster and activate the same shards twice (on Linux a
/// second silo can even bind the same ports), so the second one refuses to start instead. The kernel
/// drops the lock when the process dies, however it dies.
/// </summary>
internal sealed class DataDirectoryLock(StorageOptions options, ILogger<DataDirectoryLock> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public const string FileName = "silo.lock";
    private FileStream? _lock;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DataDirectoryLock), ServiceLifecycleStage.First, Acquire, Release);

    private Task Acquire(CancellationToken cancellationToken)
    {
        var directory = options.EffectiveDataDirectory;
        PrivateDirectory.Ensure(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix, a sharing lock on Windows.
            var lockFile = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) lockFile.UnixCreateMode = PrivateDirectory.OwnerReadWrite;
            _lock = new FileStream(path, lockFile);
            PrivateDirectory.RestrictFile(path);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"another silo is using the data directory {directory}; stop it, or give this one --data-dir (or --postgres for a cluster)");
        }
        logger.LogDebug("Locked {Path}", path);
        return Task.CompletedTask;
    }

    private Task Release(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
