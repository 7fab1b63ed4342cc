using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class ForgetCommand
{
    /// <summary>How many subjects of a --subjects-file go in one part of the request (coalesced per shard in the cluster).</summary>
    public const int PartSize = 1_000;

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        model.Arity = ArgumentArity.ZeroOrOne;
        model.Description = "The model's name (or --all-models)";
        var subject = new Option<string>("--subject")
        {
            Description = "The data subject whose records are removed and unlearned",
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
        var subjectsFile = new Option<string>("--subjects-file")
        {
            Description = "A file of subjects to forget, one per line; one receipt is printed per line as they complete",
            HelpName = "FILE",
        };
        var allModels = new Option<bool>("--all-models")
        {
            Description = "Forget from every model that holds the subject (found through the subject index), in parallel",
        };
        var requestId = new Option<string>("--request-id")
        {
            Description = "The request's id (default: a new one). The same id sent again answers with the first result and forgets nothing twice",
            HelpName = "ID",
        };
        requestId.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!RequestLimits.IsValidRequestId(text))
            {
                result.AddError($"--request-id must have {RequestLimits.RequestIdRule}, not {Quoted.Value(text)}");
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
        var command = new Command("forget",
            "Remove data subjects' records and unlearn them, as a stored request that completes even if a silo fails; prints receipts")
        {
            model, subject, subjectsFile, allModels, requestId, dryRun, probe,
        };
        var csv = new CsvOptions();
        csv.AddTo(command);
        command.Validators.Add(result =>
        {
            var named = result.GetResult(model) is { Tokens.Count: > 0 };
            var everywhere = result.GetResult(allModels) is { } all && !all.Errors.Any() && result.GetValue(allModels);
            var single = result.GetResult(subject) is not null;
            var file = result.GetResult(subjectsFile) is not null;
            var dry = result.GetResult(dryRun) is { Errors: var errors } && !errors.Any() && result.GetValue(dryRun);
            var probed = result.GetResult(probe) is not null;
            if (named == everywhere)
            {
                result.AddError(named ? "give a MODEL or --all-models, not both" : "give a MODEL, or --all-models to forget from every model");
            }
            else if (single == file)
            {
                result.AddError(single ? "give --subject or --subjects-file, not both" : "give --subject SUBJECT or --subjects-file FILE");
            }
            else if (dry && (!named || !single || result.GetResult(requestId) is not null))
            {
                result.AddError("--dry-run estimates one --subject on one MODEL, without --request-id");
            }
            else if (dry && !probed)
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
            var name = parse.GetValue(model);
            if (parse.GetValue(dryRun))
            {
                using var probeRows = CsvSource.Open(parse.GetRequiredValue(probe), csv.Limits(parse));
                EstimatedForget? estimated = null;
                await invocation.Progress.RunAsync("Estimating", probeRows, async () =>
                    estimated = await invocation.Client.EstimateForgetAsync(name!, parse.GetRequiredValue(subject), probeRows, ct));
                invocation.Output.EstimatedForget(estimated!.Model, estimated.Ids, estimated.Estimate);
                return;
            }

            var id = parse.GetValue(requestId) ?? Guid.NewGuid().ToString("N");
            if (parse.GetValue(subjectsFile) is { } path)
            {
                await ForgetFileAsync(invocation, id, name, path, ct);
                return;
            }

            var who = parse.GetRequiredValue(subject);
            var result = (await invocation.Client.SubmitForgetAsync(id, new ForgetOrder(name, [who]), ct))[0];
            if (name is null) invocation.Output.ForgotEverywhere(id, who, result.Receipts);
            else invocation.Output.Forgot(result.Receipts.Single());
        }));
        return command;
    }

    /// <summary>
    /// Checks the whole file first (a bad line forgets nothing), then sends it part by part under one request id,
    /// printing each part's receipts as it completes.
    /// </summary>
    private static async Task ForgetFileAsync(Invocation invocation, string id, string? model, string path, CancellationToken ct)
    {
        using (var check = SubjectFile.Open(path))
        {
            foreach (var _ in check.ReadParts(PartSize)) ct.ThrowIfCancellationRequested();
        }

        using var file = SubjectFile.Open(path);
        var part = 0;
        await invocation.Progress.RunAsync("Forgetting", file.Length, () => file.Position, async advance =>
        {
            foreach (var subjects in file.ReadParts(PartSize))
            {
                ct.ThrowIfCancellationRequested();
                var results = await invocation.Client.SubmitForgetAsync(id, new ForgetOrder(model, subjects, ++part), ct);
                invocation.Output.ForgotInBatch([.. results.SelectMany(r => r.Receipts)]);
                advance();
            }
        }, printsRows: true, minBytes: 0);
    }
}
