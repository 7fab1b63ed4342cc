using System.CommandLine;
using Unlearning.Cli.Output;

namespace Unlearning.Cli.Commands;

/// <summary>A command that takes a model's name, makes one call of the client library about it and prints the answer.</summary>
internal static class ModelCallCommand
{
    public static Command Create<T>(CliContext cli, string name, string description,
        Func<IUnlearningClient, string, CancellationToken, Task<T>> call, Action<IResultWriter, T> print)
    {
        var model = CommandArguments.Model();
        var command = new Command(name, description) { model };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
            print(invocation.Output, await call(invocation.Client, parse.GetRequiredValue(model), ct))));
        return command;
    }
}
