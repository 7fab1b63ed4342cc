using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Unlearning.Silo.Storage;

/// <summary>
/// Turns a store's exception leaving a grain call (Npgsql's, SQLite's: any <see cref="DbException"/>, also wrapped in
/// another) into a <see cref="StoreFailedException"/>. The store's own exception types do not cross the wire: without this
/// the caller, a client or another silo, gets a serializer error in place of the cause. The message keeps the store's
/// error code and text, never its detail (which may quote a row's values).
/// </summary>
public sealed partial class StoreFailureFilter(ILogger<StoreFailureFilter> logger) : IIncomingGrainCallFilter
{
    private const int MaxText = 300;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch (Exception error) when (Find(error) is { } store)
        {
            throw Portable(context, store);
        }
        return call.IsCompletedSuccessfully ? call : WatchAsync(context, call);
    }

    private async Task WatchAsync(IIncomingGrainCallContext context, Task call)
    {
        try
        {
            await call;
        }
        catch (Exception error) when (Find(error) is { } store)
        {
            throw Portable(context, store);
        }
    }

    /// <summary>The store's exception in <paramref name="error"/> or among its inner ones; null if there is none.</summary>
    public static DbException? Find(Exception error) => error switch
    {
        DbException store => store,
        AggregateException { InnerExceptions: var inner } => inner.Select(Find).FirstOrDefault(found => found is not null),
        { InnerException: { } inner } => Find(inner),
        _ => null,
    };

    /// <summary>The one-line description of a store's failure a caller gets: which store, its error code and text.</summary>
    public static string Describe(DbException error)
    {
        var text = error switch
        {
            PostgresException postgres => $"PostgreSQL {postgres.SqlState}: {postgres.MessageText}",
            NpgsqlException npgsql => $"PostgreSQL: {npgsql.Message}",
            SqliteException sqlite => $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}",
            _ => error.Message,
        };
        text = text.ReplaceLineEndings(" ");
        return StoreFailedException.Prefix + (text.Length > MaxText ? text[..MaxText] + "..." : text);
    }

    private StoreFailedException Portable(IIncomingGrainCallContext context, DbException store)
    {
        var description = Describe(store);
        LogStoreFailed(logger, context.InterfaceName, context.MethodName, description);
        return new StoreFailedException(description);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Interface}.{Method} failed: {Failure}")]
    private static partial void LogStoreFailed(ILogger logger, string @interface, string method, string failure);
}
