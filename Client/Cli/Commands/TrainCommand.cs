using System.CommandLine;

namespace Unlearning.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var command = new Command("train", "Train every shard of a model on its records; returns once all serve") { model };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            invocation.Output.Trained(await invocation.Client.TrainAsync(parse.GetRequiredValue(model), ct));
        }));
        return command;
    }
}
