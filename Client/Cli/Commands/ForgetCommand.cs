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
                await EstimateAsync(invocation, parse.GetRequiredValue(model), parse.GetRequiredValue(subject),
                    parse.GetRequiredValue(probe), ct);
                return;
            }

            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            invocation.Output.Forgot(await grain.Forget(parse.GetRequiredValue(subject)));
        }));
        return command;
    }

    private static async Task EstimateAsync(Invocation invocation, string model, string subject, string probe, CancellationToken ct)
    {
        var table = CsvTable.Load(probe);
        var grain = await invocation.ModelAsync(model, ct);
        var config = await grain.GetConfig();
        var rows = RecordFile.Read(table, ColumnLayout.ForSchema(table, LabelColumn.Ignored, config.FeatureNames));

        var estimates = new List<ForgetEstimate>();
        await invocation.Progress.RunAsync("Estimating", rows.Count, Batches.Size, advance =>
            Batches.EachAsync(rows.Count, Batches.Size, async range =>
            {
                var batch = rows.Features[range];
                var estimate = await grain.EstimateForget(subject, batch);
                if (estimate.Before.Length != batch.Length || estimate.After.Length != batch.Length)
                {
                    throw new InvalidOperationException(
                        $"the cluster answered {estimate.Before.Length} predictions before and {estimate.After.Length} after for {batch.Length} rows");
                }

                estimates.Add(estimate);
            }, advance));
        invocation.Output.EstimatedForget(config, rows.Ids, Combine(estimates));
    }

    /// <summary>The batches' rows in order; the rest is the last batch's, as each batch answers for the same subject.</summary>
    internal static ForgetEstimate Combine(IReadOnlyList<ForgetEstimate> batches) => batches.Count == 1
        ? batches[0]
        : batches[^1] with
        {
            Before = [.. batches.SelectMany(b => b.Before)],
            After = [.. batches.SelectMany(b => b.After)],
        };
}
