using System.CommandLine;

namespace Unlearning.Cli.Commands;

/// <summary><c>unlearn signing-key --public</c>: the cluster's receipt-signing public key (PEM), for checking receipts offline.</summary>
internal static class SigningKeyCommand
{
    public static Command Create(CliContext cli)
    {
        var publicKey = new Option<bool>("--public")
        {
            Description = "Print the public key (PEM; with --json also its id and the earlier keys); the private key never leaves the cluster",
            Required = true,
        };
        var command = new Command("signing-key", "Print the public key the cluster signs forget receipts with") { publicKey };
        command.Validators.Add(result =>
        {
            if (result.GetResult(publicKey) is not null && !result.GetValue(publicKey))
                result.AddError("only the public key can be printed (--public)");
        });
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
            invocation.Output.SigningKey(await invocation.Client.GetSigningKeysAsync(ct))));
        return command;
    }
}
