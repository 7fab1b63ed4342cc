using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

/// <summary>
/// What an auditor runs. Without files: every shard rebuilt from its stored records and compared with what it serves.
/// With --forgotten and --holdout: membership-inference attacks on the forgotten records.
/// </summary>
internal static class VerifyCommand
{
    private const int MaxAuditRows = ClientLimits.MaxAuditRows;
    private const int DefaultRetained = ClientLimits.DefaultRetained;

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
                using var forgottenRows = CsvSource.Open(forgottenFile, csv.Limits(parse));
                using var holdoutRows = CsvSource.Open(parse.GetRequiredValue(holdout)!, csv.Limits(parse));
                var report = await invocation.Client.AuditMembershipAsync(parse.GetRequiredValue(model), forgottenRows, holdoutRows,
                    parse.GetValue(retained), parse.GetValue(seed), ct);
                invocation.Output.Audited(report.Model, report.Attacks, report.Verdict);
                return;
            }

            invocation.Output.Verified(await invocation.Client.VerifyAsync(parse.GetRequiredValue(model), ct));
        }));
        return command;
    }

}
