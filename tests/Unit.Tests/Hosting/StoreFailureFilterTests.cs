using Microsoft.Data.Sqlite;
using Npgsql;
using Unlearning.Silo.Storage;

namespace Unlearning.Tests.Hosting;

public sealed class StoreFailureFilterTests
{
    [Fact]
    public void A_postgres_error_is_described_by_its_code_and_text_without_its_detail()
    {
        var error = new PostgresException("relation \"grain_state\" does not exist", "ERROR", "ERROR", "42P01",
            detail: "Key (grain_key)=(P000123) already exists.");

        var description = StoreFailureFilter.Describe(error);

        Assert.Equal("the store failed: PostgreSQL 42P01: relation \"grain_state\" does not exist", description);
        Assert.DoesNotContain("P000123", description);
    }

    [Fact]
    public void A_sqlite_error_is_described_by_its_code_and_a_long_text_is_cut_to_one_bounded_line()
    {
        var error = new SqliteException("SQLite Error 13: 'database or disk is full'.\n" + new string('x', 1000), 13);

        var description = StoreFailureFilter.Describe(error);

        Assert.StartsWith("the store failed: SQLite error 13: SQLite Error 13: 'database or disk is full'. xxx", description);
        Assert.DoesNotContain('\n', description);
        Assert.True(description.Length < 400, $"{description.Length} characters");
    }

    [Fact]
    public void The_store_error_is_found_inside_wrappers_and_nothing_is_found_where_there_is_none()
    {
        var store = new NpgsqlException("Exception while reading from stream");

        Assert.Same(store, StoreFailureFilter.Find(new InvalidOperationException("write failed", store)));
        Assert.Same(store, StoreFailureFilter.Find(new AggregateException(new TimeoutException(), new Exception("outer", store))));
        Assert.Null(StoreFailureFilter.Find(new InvalidOperationException("not the store", new TimeoutException())));
    }
}
