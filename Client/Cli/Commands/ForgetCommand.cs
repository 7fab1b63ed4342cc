using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class ForgetCommand
{
    /// <summary>The most rows a dry run's probe may have: their estimates are printed together, as one document.</summary>
    public const int MaxProbeRows = 100_000;

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
                using var records = RecordStream.Open(parse.GetRequiredValue(probe), csv.Limits(parse));
                await EstimateAsync(invocation, parse.GetRequiredValue(model), parse.GetRequiredValue(subject), records, ct);
                return;
            }

            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            invocation.Output.Forgot(await grain.Forget(parse.GetRequiredValue(subject)));
        }));
        return command;
    }

    /// <summary>
    /// Sends the probe in batches as it is read, keeping each row's id and estimate for the one document printed at the
    /// end: so a probe may have at most <see cref="MaxProbeRows"/> rows.
    /// </summary>
    private static async Task EstimateAsync(Invocation invocation, string model, string subject, RecordStream probe, CancellationToken ct)
    {
        var grain = await invocation.ModelAsync(model, ct);
        var config = await grain.GetConfig();
        var layout = ColumnLayout.ForSchema(probe.Header, LabelColumn.Ignored, config.FeatureNames);

        var ids = new List<string>();
        var estimates = new List<ForgetEstimate>();
        await invocation.Progress.RunAsync("Estimating", probe, async advance =>
        {
            foreach (var batch in probe.ReadBatches(layout, Batches.RowsFor(config.FeatureCount)))
            {
                ct.ThrowIfCancellationRequested();
                if (ids.Count + batch.Count > MaxProbeRows)
                {
                    throw new CsvFormatException(probe.FileName, batch.Lines[MaxProbeRows - ids.Count],
                        $"a probe may have at most {MaxProbeRows:N0} rows (a dry run prints every row's estimate in one document); use a sample");
                }

                var estimate = await grain.EstimateForget(subject, batch.Features);
                if (estimate.Before.Length != batch.Count || estimate.After.Length != batch.Count)
                {
                    throw new InvalidOperationException(
                        $"the cluster answered {estimate.Before.Length} predictions before and {estimate.After.Length} after for {batch.Count} rows");
                }

                estimates.Add(estimate);
                ids.AddRange(batch.Ids);
                advance();
            }
        });
        invocation.Output.EstimatedForget(config, ids, Combine(estimates));
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
