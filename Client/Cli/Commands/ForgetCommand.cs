using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

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
            var text = result.GetValueOrDefault<string>();
            if (string.IsNullOrEmpty(text))
            {
                result.AddError("--subject must not be empty");
            }
            else if (!ModelLimits.IsValidId(text))
            {
                result.AddError($"--subject must have at most {ModelLimits.MaxIdLength} characters, not {Quoted.Value(text)}");
            }
        });
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Change nothing: estimate how forgetting the subject would change predictions on the --probe file",
        };
        var probe = new Option<string>("--probe")
        {
            Description = "With --dry-run: CSV file of rows to estimate the change on (columns id and the features; a label column is ignored)",
            HelpName = "FILE",
        };
        var command = new Command("forget", "Remove a data subject's records and unlearn them; returns a receipt")
        {
            model, subject, dryRun, probe,
        };
        var csv = new CsvOptions();
        csv.AddTo(command);
        command.Validators.Add(result =>
        {
            var dry = result.GetResult(dryRun) is { Errors: var errors } && !errors.Any() && result.GetValue(dryRun);
            var probed = result.GetResult(probe) is not null;
            if (dry && !probed)
            {
                result.AddError("--dry-run needs --probe FILE: the rows to estimate the change on");
            }
            else if (probed && !dry)
            {
                result.AddError("--probe applies only with --dry-run");
            }
        });
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            if (parse.GetValue(dryRun))
            {
                using var probeRows = CsvSource.Open(parse.GetRequiredValue(probe), csv.Limits(parse));
                EstimatedForget? estimated = null;
                await invocation.Progress.RunAsync("Estimating", probeRows, async () =>
                    estimated = await invocation.Client.EstimateForgetAsync(parse.GetRequiredValue(model), parse.GetRequiredValue(subject), probeRows, ct));
                invocation.Output.EstimatedForget(estimated!.Model, estimated.Ids, estimated.Estimate);
                return;
            }

            invocation.Output.Forgot(await invocation.Client.ForgetAsync(parse.GetRequiredValue(model), parse.GetRequiredValue(subject), ct));
        }));
        return command;
    }

}
