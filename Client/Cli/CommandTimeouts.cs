namespace Unlearning.Cli;

/// <summary>
/// How long each command may take before it gives up (unless --timeout says otherwise), and what an interrupted
/// command may have left done: training and forgets may run long; a lost connection ends any of them at once.
/// </summary>
internal static class CommandTimeouts
{
    public static readonly TimeSpan Max = TimeSpan.FromDays(7);

    public static TimeSpan DefaultFor(string command) => command switch
    {
        "train" or "verify" => TimeSpan.FromDays(1),
        "forget" or "explain" or "ingest" or "audit" or "delete" => TimeSpan.FromHours(1),
        "predict" or "evaluate" => TimeSpan.FromMinutes(10),
        _ => TimeSpan.FromMinutes(1),
    };

    /// <summary>What the user should know about a command that stopped before its answer, and how to find out more.</summary>
    public static string IfInterrupted(string command, string? model, bool dryRun) => (command, dryRun) switch
    {
        ("create", _) => $"the model may have been created: `unlearn status {model}` tells",
        ("ingest", _) => $"the file is ingested whole or not at all (a commit sent completes when the cluster answers): `unlearn status {model}` shows the records",
        ("train", _) => $"training goes on in the cluster: `unlearn status {model}` shows the shards",
        ("forget", false) => "a forget request accepted by the cluster completes without you: `unlearn forget-status REQUEST-ID` tells " +
            "(the id you gave with --request-id; sending the same request again with it forgets nothing twice)",
        ("delete", _) => $"the delete may have been applied in part: `unlearn delete {model}` again completes it",
        _ => "nothing was changed",
    };
}
