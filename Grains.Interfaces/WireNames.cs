namespace Unlearning;

/// <summary>
/// How the contract's enums are spelt outside .NET: command-line options, JSON output, receipts. Lower case, and
/// fixed: scripts rely on them, so they never follow a C# rename.
/// </summary>
public static class WireNames
{
    public static string Of(ForgetMethod method) => method switch
    {
        ForgetMethod.Exact => "exact",
        ForgetMethod.Retrain => "retrain",
        ForgetMethod.Certified => "certified",
        ForgetMethod.Influence => "influence",
        _ => throw Unknown(method),
    };

    public static string Of(ShardServingState state) => state switch
    {
        ShardServingState.Untrained => "untrained",
        ShardServingState.Serving => "serving",
        ShardServingState.Retraining => "retraining",
        ShardServingState.Excluded => "excluded",
        ShardServingState.Unreachable => "unreachable",
        _ => throw Unknown(state),
    };

    public static string Of(EnsembleMode mode) => mode switch
    {
        EnsembleMode.Average => "average",
        EnsembleMode.Vote => "vote",
        _ => throw Unknown(mode),
    };

    public static string Of(UnlearningMethod method) => method switch
    {
        UnlearningMethod.Exact => "exact",
        UnlearningMethod.Certified => "certified",
        _ => throw Unknown(method),
    };

    public static string Of(AuditKind kind) => kind switch
    {
        AuditKind.Create => "create",
        AuditKind.Ingest => "ingest",
        AuditKind.Train => "train",
        AuditKind.Forget => "forget",
        AuditKind.Delete => "delete",
        AuditKind.Denied => "denied",
        AuditKind.Lookup => "lookup",
        _ => throw Unknown(kind),
    };

    public static string Of(RequestState state) => state switch
    {
        RequestState.Accepted => "accepted",
        RequestState.Completed => "completed",
        RequestState.Failed => "failed",
        _ => throw Unknown(state),
    };

    public static EnsembleMode? ParseEnsemble(string? name) => Parse<EnsembleMode>(name, Of);

    public static UnlearningMethod? ParseUnlearning(string? name) => Parse<UnlearningMethod>(name, Of);

    /// <summary>Every name of <typeparamref name="T"/>, as "a|b", for help texts.</summary>
    public static string Choices<T>(Func<T, string> of) where T : struct, Enum => string.Join('|', Enum.GetValues<T>().Select(of));

    /// <summary>Every name of <typeparamref name="T"/>, as "'a' or 'b'", for error messages.</summary>
    public static string Alternatives<T>(Func<T, string> of) where T : struct, Enum
    {
        var names = Enum.GetValues<T>().Select(value => $"'{of(value)}'").ToArray();
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }

    private static T? Parse<T>(string? name, Func<T, string> of) where T : struct, Enum =>
        Enum.GetValues<T>().Where(value => of(value) == name).Select(value => (T?)value).FirstOrDefault();

    private static ArgumentOutOfRangeException Unknown<T>(T value) => new(typeof(T).Name, value, "no wire name");
}
