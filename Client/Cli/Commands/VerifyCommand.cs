using System.CommandLine;
using Unlearning.Client.Csv;
using Unlearning.Client.Verification;

namespace Unlearning.Cli.Commands;

/// <summary>
/// What an auditor runs. Without files: every shard rebuilt from its stored records and compared with what it serves.
/// With --forgotten and --holdout: membership-inference attacks on the forgotten records.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>The most rows of each audit file: the attacks' statistics need far fewer.</summary>
    public const int MaxAuditRows = 100_000;

    public const int DefaultRetained = 1_000;

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var forgotten = new Option<string?>("--forgotten")
        {
            Description = "CSV file of the forgotten subjects' records (with their labels): run membership-inference attacks on them",
            HelpName = "FILE",
        };
        var holdout = new Option<string?>("--holdout")
        {
            Description = "With --forgotten: CSV file of labelled records the model never saw, the attacks' baseline",
            HelpName = "FILE",
        };
        var retained = new Option<int>("--retained")
        {
            Description = $"With --forgotten: how many records the model holds to sample as the attacks' control (default {DefaultRetained})",
            DefaultValueFactory = _ => DefaultRetained,
            CustomParser = result => OptionParsing.Integer(result, "--retained", $"an integer from 1 to {MaxAuditRows}", v => v is >= 1 and <= MaxAuditRows),
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the bootstrap intervals (default 1): the same seed gives the same intervals",
            DefaultValueFactory = _ => 1,
        };
        var csv = new CsvOptions();
        var command = new Command("verify",
            "Check a model from outside: rebuild every shard from its stored records and compare bits (certified models: the " +
            "gradient residual against its bound); or, with --forgotten and --holdout, attack the forgotten records")
        {
            model, forgotten, holdout, retained, seed,
        };
        csv.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(forgotten) is null) != (result.GetResult(holdout) is null))
                result.AddError("--forgotten and --holdout go together: the forgotten records and never-seen ones to compare them with");
        });
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            if (parse.GetValue(forgotten) is { } forgottenFile)
            {
                using var forgottenRows = RecordStream.Open(forgottenFile, csv.Limits(parse));
                using var holdoutRows = RecordStream.Open(parse.GetRequiredValue(holdout)!, csv.Limits(parse));
                var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
                var config = await grain.GetConfig();
                var answers = await grain.AuditPredictions(
                    Read(forgottenRows, config), Read(holdoutRows, config), parse.GetValue(retained));
                var results = MembershipAudit.Run(Records(answers.Forgotten), Records(answers.Retained), Records(answers.Holdout), parse.GetValue(seed));
                invocation.Output.Audited(config.Name, results, Verdict.Summarize(results));
                return;
            }

            var modelGrain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            invocation.Output.Verified(await modelGrain.Verify());
        }));
        return command;
    }

    /// <summary>A whole audit file, checked as every file is; at most <see cref="MaxAuditRows"/> rows.</summary>
    private static AuditRows Read(RecordStream records, ModelConfig config)
    {
        var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Required, config.FeatureNames);
        var batches = records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount), config.Labels).ToList();
        var count = batches.Sum(b => b.Count);
        if (count > MaxAuditRows)
            throw new InvalidOperationException($"{records.FileName} has more than {MaxAuditRows:N0} rows: an audit needs far fewer; sample them");
        if (count == 0) throw new InvalidOperationException($"{records.FileName} has no rows to audit");
        return new AuditRows([.. batches.SelectMany(b => b.Features)], [.. batches.SelectMany(b => b.LabelIndices!)], [.. batches.SelectMany(b => b.Subjects)]);
    }

    private static AuditRecord[] Records(AuditedRow[] rows)
    {
        if (rows.FirstOrDefault(r => r.Shards.Any(s => s.Length == 0)) is not null)
            throw new InvalidOperationException("a shard has no weights to serve now (retraining after a forget?): audit once every shard serves");
        return [.. rows.Select(r => new AuditRecord(r.Label, r.Ensemble, r.Shards, r.OwningShard))];
    }
}
