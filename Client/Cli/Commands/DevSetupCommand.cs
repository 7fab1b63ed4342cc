using System.CommandLine;
using Unlearning.Client.Security;

namespace Unlearning.Cli.Commands;

internal static class DevSetupCommand
{
    public static Command Create(CliContext cli)
    {
        var directory = new Argument<string>("directory")
        {
            Description = "Folder for the files; created owner-only (0700) when missing",
            HelpName = "DIR",
        };
        directory.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
                result.AddError("the directory must not be empty");
        });
        var force = new Option<bool>("--force")
        {
            Description = "Replace existing files: re-issues the CA, every certificate and the signing key",
        };
        var names = new Option<string[]>("--san")
        {
            Description = "Another host name or IP address the silo certificate is valid for (repeatable); " +
                "localhost, the loopback addresses, this machine's host name and interface addresses are always included",
            HelpName = "NAME",
        };
        names.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!DevCertificates.IsValidName(name))
                {
                    result.AddError($"--san '{name}' is neither a host name nor an IP address");
                    return;
                }
            }
        });
        var command = new Command("dev-setup",
            "Write a development CA, silo and client certificates and a token signing key pair into DIR (no cluster needed)")
        {
            directory, force, names,
        };
        command.SetAction((parse, cancellationToken) => cli.RunLocalAsync(parse, cancellationToken, (output, _) =>
        {
            var result = DevSetup.Write(parse.GetRequiredValue(directory), parse.GetValue(force), parse.GetValue(names) ?? []);
            output.DevSetup(result);
            return Task.CompletedTask;
        }));
        return command;
    }
}
