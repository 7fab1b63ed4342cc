namespace Unlearning.Cli;

/// <summary>The command-line and JSON spelling of <see cref="EnsembleMode"/>.</summary>
internal static class EnsembleNames
{
    public const string Average = "average";
    public const string Vote = "vote";

    public static string Of(EnsembleMode mode) => mode switch
    {
        EnsembleMode.Average => Average,
        EnsembleMode.Vote => Vote,
        _ => mode.ToString(),
    };

    public static EnsembleMode? Parse(string name) => name switch
    {
        Average => EnsembleMode.Average,
        Vote => EnsembleMode.Vote,
        _ => null,
    };
}
