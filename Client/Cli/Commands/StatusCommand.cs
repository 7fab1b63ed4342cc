using System.CommandLine;

namespace Unlearning.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var command = new Command("status", "Show a model's records, version and per-shard state") { model };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            invocation.Output.Status(await grain.GetStatus());
        }));
        return command;
    }
}
