using Microsoft.Extensions.Hosting;
using Unlearning.Tests.Storage;

namespace Unlearning.Tests.Support;

/// <summary>
/// Silo processes on a PostgreSQL database of their own, with fast failure detection, and a client that finds them in
/// the membership table: what the process-level fault tests kill, restart and call.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly string[] _siloArguments;
    private int _started;

    private PostgresCluster(TestDatabase database, string clusterId)
    {
        _database = database;
        ClusterId = clusterId;
        _siloArguments =
        [
            "--postgres", database.ConnectionString, "--cluster-id", clusterId,
            // Fast failure detection, so the tests do not wait the production defaults out.
            "--Membership:ProbeTimeout", "00:00:01", "--Membership:NumMissedProbesLimit", "2",
            "--Membership:TableRefreshTimeout", "00:00:02", "--Membership:IAmAliveTablePublishTimeout", "00:00:05",
            "--Storage:VacuumInterval", "00:00:02",
            "--Unlearning:SweepInterval", "00:00:01",
            // Orleans' warnings, and what the product's own code says (shown when a test fails), each line timed.
            "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Unlearning", "Information",
            // Where each shard was placed, and among which silos (a line per shard activation).
            "--Logging:LogLevel:Unlearning.Placement", "Debug",
            // (The timestamp is the simple formatter's option, and the formatter must be named for it to be read.)
            "--Logging:Console:FormatterName", "simple", "--Logging:Console:FormatterOptions:TimestampFormat", "HH:mm:ss.fff ",
        ];
    }

    public string ClusterId { get; }
    public string ConnectionString => _database.ConnectionString;
    public List<SiloProcess> Silos { get; } = [];
    public IEnumerable<SiloProcess> Live => Silos.Where(s => !s.HasExited);

    /// <summary>A cluster of <paramref name="silos"/> ready silos; null when there is no PostgreSQL (outside CI).</summary>
    public static async Task<PostgresCluster?> StartAsync(string purpose, int silos)
    {
        var database = await TestPostgres.CreateDatabaseAsync(purpose);
        if (database is null) return null;
        var cluster = new PostgresCluster(database, $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(24, purpose.Length + 9)]);
        await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSiloAsync()));
        return cluster;
    }

    public async Task<SiloProcess> StartSiloAsync()
    {
        var silo = SiloProcess.Start($"silo{Interlocked.Increment(ref _started)}", _siloArguments);
        lock (Silos) Silos.Add(silo);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>A client on the membership table (<see cref="MembershipClient"/>); with <paramref name="internalCalls"/>, one
    /// that may call the grains' internal methods.</summary>
    public Task<IHost> ConnectAsync(TimeSpan responseTimeout, bool internalCalls = false) =>
        MembershipClient.ConnectAsync(ConnectionString, ClusterId, new MembershipClientOptions(internalCalls, responseTimeout));

    /// <summary>Every silo's output, for a failing test's log.</summary>
    public string Outputs() => string.Join("\n", Silos.Select(s => $"--- {s.Name} ---\n{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos) silo.Dispose();
        await _database.DisposeAsync();
    }
}
