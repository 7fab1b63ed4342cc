using System.CommandLine;

namespace Unlearning.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create(CliContext cli) => ModelCallCommand.Create(cli, "train", "Train every shard of a model on its records; returns once all serve",
        static (client, model, ct) => client.TrainAsync(model, ct), static (output, trained) => output.Trained(trained));
}
