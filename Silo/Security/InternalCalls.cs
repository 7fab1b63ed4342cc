using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Unlearning.Compliance;
using Unlearning.Wire;

namespace Unlearning.Silo.Security;

/// <summary>
/// The secret that tells the cluster's own calls from a client's. Silos put a mark derived from it into the
/// RequestContext of every call they make to this project's grains (<see cref="InternalCallStamp"/>); the grain call
/// filter takes a call as internal only with that mark. Orleans' gateway passes on whatever sender a client writes
/// into its messages, so the sender id alone could be forged by a modified client; the mark cannot, as no client ever
/// sees it (RequestContext travels with requests, never with responses, and the mark is never logged).
/// <para>
/// Where it comes from: silos that cluster through PostgreSQL share a random key stored in the cluster's database
/// (table <c>cluster_secret</c>, created on first start), so whoever can read the database, and with it every record,
/// could call internals too. Every other cluster lives in one process (the embedded silo, the test and benchmark
/// clusters) and uses a key drawn at random for the process.
/// </para>
/// </summary>
public sealed class InternalCallKey
{
    private const string Purpose = "unlearning internal call v1";

    private static readonly Lazy<byte[]> ProcessSecret = new(() => RandomNumberGenerator.GetBytes(32));

    private string? _mark;

    private InternalCallKey(string? mark) => _mark = mark;

    /// <summary>The key of every silo in this process that clusters in-process (localhost or test clustering).</summary>
    public static InternalCallKey ForProcess() => new(MarkOf(ProcessSecret.Value));

    /// <summary>A key whose secret is read later (<see cref="Use"/>): until then no call counts as internal.</summary>
    public static InternalCallKey Pending() => new(null);

    /// <summary>The key of a cluster whose secret is <paramref name="secret"/>.</summary>
    public static InternalCallKey From(byte[] secret) => new(MarkOf(secret));

    /// <summary>The value an internal call carries in its RequestContext; null until the secret is known.</summary>
    public string? Mark => Volatile.Read(ref _mark);

    public void Use(byte[] secret) => Volatile.Write(ref _mark, MarkOf(secret));

    /// <summary>Whether the current call's RequestContext carries this cluster's mark (compared in constant time).</summary>
    public bool IsInternalCall()
    {
        var expected = Mark;
        if (expected is null || RequestContext.Get(InternalCallStamp.Key) is not string carried || carried.Length != expected.Length)
            return false;
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(carried.AsSpan()), MemoryMarshal.AsBytes(expected.AsSpan()));
    }

    /// <summary>
    /// The secret of <paramref name="clusterId"/> in the cluster's PostgreSQL database, drawn and stored by the first
    /// silo that asks (the table comes with the schema).
    /// </summary>
    public static async Task<byte[]> LoadPostgresSecretAsync(string connectionString, string clusterId, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO cluster_secret (cluster_id, secret) VALUES (@cluster, @secret) ON CONFLICT (cluster_id) DO NOTHING", connection))
        {
            insert.Parameters.AddWithValue("cluster", clusterId);
            insert.Parameters.AddWithValue("secret", RandomNumberGenerator.GetBytes(32));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var select = new NpgsqlCommand("SELECT secret FROM cluster_secret WHERE cluster_id = @cluster", connection);
        select.Parameters.AddWithValue("cluster", clusterId);
        return (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string MarkOf(byte[] secret) => Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(Purpose)));
}

/// <summary>
/// Marks the calls a silo's grains make to this project's grains as internal (see <see cref="InternalCallKey"/>).
/// Registered on every silo; on a client only in tests (<see cref="InternalCallsForTests"/>).
/// <para>
/// On a silo, a call to our grains is marked only when a grain (Orleans' <c>SourceId</c> is the calling activation, read
/// from the thread's grain context) or a silo service makes it: host code outside any grain, such as the HTTP API calling
/// on behalf of its caller, calls as a client does, and the incoming filter checks that caller's token and roles. Calls
/// to other grains (Orleans' management grain, the dashboard's) are marked from anywhere on the silo. A call to a client
/// is never marked: the mark must not leave the cluster.
/// </para>
/// </summary>
public sealed class InternalCallStamp : IOutgoingGrainCallFilter
{
    /// <summary>The RequestContext key of the mark.</summary>
    public const string Key = "unlearning-internal";

    private readonly InternalCallKey _key;
    private readonly bool _grainCallsOnly;

    /// <summary>A silo's stamp: calls made by grains only.</summary>
    public InternalCallStamp(InternalCallKey key)
        : this(key, grainCallsOnly: true)
    {
    }

    private InternalCallStamp(InternalCallKey key, bool grainCallsOnly)
    {
        _key = key;
        _grainCallsOnly = grainCallsOnly;
    }

    /// <summary>A test client's stamp: every call, as a client's calls come from no grain.</summary>
    internal static InternalCallStamp EveryCall(InternalCallKey key) => new(key, grainCallsOnly: false);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (_key.Mark is { } mark && !context.TargetId.IsClient() && IsTheClustersOwn(context))
        {
            RequestContext.Set(Key, mark);
            AuditCaller.Pass();
        }
        return context.Invoke();
    }

    // Host code on a silo calls our grains on behalf of HTTP callers, so only grains and silo services speak for the
    // cluster there; no host code calls Orleans' or the dashboard's grains for anyone but the silo itself.
    private bool IsTheClustersOwn(IOutgoingGrainCallContext context) =>
        !_grainCallsOnly || !CallRules.IsOurs(context.InterfaceMethod) || context.SourceId is not null || SiloServiceCall.IsActive;
}

/// <summary>
/// Test-only: lets a client call internal grain methods (IShardGrain...) by giving it the cluster's key: the process
/// key for an in-process test cluster, or the one read from a PostgreSQL cluster's database. A client that is not in
/// the cluster's process and cannot read its database cannot have the key; no silo option turns this on.
/// </summary>
public static class InternalCallsForTests
{
    public static IClientBuilder AllowInternalCallsForTests(this IClientBuilder client, InternalCallKey? key = null) =>
        client.AddOutgoingGrainCallFilter(InternalCallStamp.EveryCall(key ?? InternalCallKey.ForProcess()));
}
