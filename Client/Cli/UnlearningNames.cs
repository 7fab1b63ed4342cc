namespace Unlearning.Cli;

/// <summary>The command-line and JSON spelling of <see cref="UnlearningMethod"/>.</summary>
internal static class UnlearningNames
{
    public const string Exact = ForgetMethods.Exact;
    public const string Certified = ForgetMethods.Certified;

    public static string Of(UnlearningMethod method) => method switch
    {
        UnlearningMethod.Exact => Exact,
        UnlearningMethod.Certified => Certified,
        _ => method.ToString(),
    };

    public static UnlearningMethod? Parse(string name) => name switch
    {
        Exact => UnlearningMethod.Exact,
        Certified => UnlearningMethod.Certified,
        _ => null,
    };
}
