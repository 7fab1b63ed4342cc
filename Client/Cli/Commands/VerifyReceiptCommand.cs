using System.CommandLine;

namespace Unlearning.Cli.Commands;

/// <summary>
/// <c>unlearn verify-receipt FILE --public-key K</c>: checks forget receipts offline against the cluster's public key;
/// exit 1 naming the first receipt whose signature does not cover its fields as they are.
/// </summary>
internal static class VerifyReceiptCommand
{
    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("receipt")
        {
            Description = "A receipt as `unlearn forget --json` prints it (one JSON object, or one receipt a line)",
            HelpName = "FILE",
        };
        var publicKey = new Option<string>("--public-key")
        {
            Description = "The cluster's public key, as `unlearn signing-key --public` prints it (PEM file)",
            HelpName = "FILE",
            Required = true,
        };
        var command = new Command("verify-receipt", "Check forget receipts' signatures offline (no cluster needed)") { file, publicKey };
        command.SetAction((parse, cancellationToken) => cli.RunLocalAsync(parse, cancellationToken, async (output, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var keyPath = parse.GetRequiredValue(publicKey);
            var pem = await Read(keyPath, "--public-key", ct);
            var receipts = ReceiptCheck.Parse(await Read(path, "receipt", ct), path);
            var verified = new List<ReceiptCheck.Verified>();
            for (var i = 0; i < receipts.Count; i++)
            {
                try
                {
                    verified.Add(ReceiptCheck.Check(receipts[i], pem));
                }
                catch (InvalidDataException e) when (receipts.Count > 1)
                {
                    throw new InvalidDataException($"{path} receipt {i + 1}: {e.Message}", e);
                }
            }
            output.ReceiptsVerified(verified);
        }));
        return command;
    }

    private static async Task<string> Read(string path, string what, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{what}: cannot read {path}: {e.Message}", e);
        }
    }
}
