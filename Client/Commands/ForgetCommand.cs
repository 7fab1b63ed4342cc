using System.CommandLine;

namespace Unlearning.Client.Commands;

internal static class ForgetCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var subject = new Option<string>("--subject")
        {
            Description = "The data subject whose records are removed and unlearned",
            Required = true,
        };
        subject.Validators.Add(result =>
        {
            if (string.IsNullOrEmpty(result.GetValueOrDefault<string>()))
            {
                result.AddError("--subject must not be empty");
            }
        });
        var command = new Command("forget", "Remove a data subject's records and retrain the affected slices; returns a receipt")
        {
            model, subject,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            invocation.Output.Forgot(await grain.Forget(parse.GetRequiredValue(subject)));
        }));
        return command;
    }
}
