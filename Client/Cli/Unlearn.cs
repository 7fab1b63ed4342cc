using System.CommandLine;
using System.CommandLine.Invocation;
using Unlearning.Cli.Commands;

namespace Unlearning.Cli;

/// <summary>The <c>unlearn</c> command line.</summary>
public static class Unlearn
{
    /// <summary>
    /// Parses and runs one command, writing results to <paramref name="stdout"/> and errors to
    /// <paramref name="stderr"/>; returns the exit code. <paramref name="connect"/> supplies the cluster client
    /// for a target (a gateway "HOST:PORT", or "postgres CONNECTION-STRING" with the password redacted) and stays
    /// owned by the caller; by default a client is started (and stopped) per command.
    /// </summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr,
        Func<string, CancellationToken, Task<IClusterClient>>? connect = null) =>
        RunAsync(args, stdout, stderr, connect, Environment.GetEnvironmentVariable);

    /// <summary>As the public overload, with the environment variables read from <paramref name="environment"/>.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr,
        Func<string, CancellationToken, Task<IClusterClient>>? connect, Func<string, string?> environment)
    {
        ClusterConnector connector = connect is null
            ? ClusterConnection.OpenAsync
            : async (target, ct) => ClusterConnection.Borrow(await connect(target.ToString(), ct));
        var parse = BuildRootCommand(new CliContext(stdout, stderr, connector, environment)).Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            await stderr.WriteLineAsync($"error: {UsageError(parse)} (see --help)");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        });
    }

    // An unknown word usually also leaves a command or argument missing; naming the word is the useful part.
    private static string UsageError(ParseResult parse) => parse.UnmatchedTokens.Count > 0
        ? $"unrecognized {(parse.UnmatchedTokens.Count == 1 ? "argument" : "arguments")} {string.Join(" ", parse.UnmatchedTokens.Select(t => $"'{t}'"))}"
        : CliContext.OneLine(parse.Errors[0].Message).TrimEnd('.');

    private static RootCommand BuildRootCommand(CliContext cli)
    {
        var root = new RootCommand("Train, serve and unlearn SISA models on an Orleans cluster.")
        {
            CreateCommand.Create(cli),
            IngestCommand.Create(cli),
            TrainCommand.Create(cli),
            PredictCommand.Create(cli),
            EvaluateCommand.Create(cli),
            ForgetCommand.Create(cli),
            ComplianceCommands.ForgetStatus(cli),
            ComplianceCommands.Models(cli),
            ComplianceCommands.Delete(cli),
            ExplainCommand.Create(cli),
            StatusCommand.Create(cli),
            VerifyCommand.Create(cli),
            DevSetupCommand.Create(cli),
            TokenCommand.Create(cli),
            AuditCommand.Create(cli),
            SigningKeyCommand.Create(cli),
            VerifyReceiptCommand.Create(cli),
        };
        cli.Options.AddTo(root);
        return root;
    }
}
