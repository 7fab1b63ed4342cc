namespace Unlearning.Cli.Output;

/// <summary>A command's rows of output, written batch by batch as the cluster answers, so that none waits for the whole file.</summary>
internal interface IRowWriter<in T>
{
    /// <summary><paramref name="rows"/>[i] answers input row <paramref name="ids"/>[i].</summary>
    void Write(IReadOnlyList<string> ids, IReadOnlyList<T> rows);

    /// <summary>After the last batch.</summary>
    void Complete();
}

/// <summary>A row writer made of its two methods.</summary>
internal sealed class RowWriter<T>(Action<IReadOnlyList<string>, IReadOnlyList<T>> write, Action? complete = null) : IRowWriter<T>
{
    public void Write(IReadOnlyList<string> ids, IReadOnlyList<T> rows) => write(ids, rows);

    public void Complete() => complete?.Invoke();
}
