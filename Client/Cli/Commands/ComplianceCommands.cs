using System.CommandLine;

namespace Unlearning.Cli.Commands;

/// <summary><c>models</c>, <c>delete</c> and <c>forget-status</c>: what a privacy office works with besides <c>forget</c>.</summary>
internal static class ComplianceCommands
{
    public static Command Models(CliContext cli)
    {
        var command = new Command("models", "List every model with its method, shards, records, version and creation time");
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            invocation.Output.Models(await invocation.Client.ListModelsAsync(ct));
        }));
        return command;
    }

    public static Command Delete(CliContext cli) => ModelCallCommand.Create(cli, "delete",
        "Delete a model with its records, checkpoints and weights from every store (admin)",
        static (client, model, ct) => client.DeleteModelAsync(model, ct), static (output, deleted) => output.Deleted(deleted));

    public static Command ForgetStatus(CliContext cli)
    {
        var requestId = new Argument<string>("request-id")
        {
            Description = "The forget request's id (its receipts' requestId)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        requestId.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            var text = result.GetValueOrDefault<string>();
            if (!RequestLimits.IsValidRequestId(text))
            {
                result.AddError($"the request id must have {RequestLimits.RequestIdRule}, not {Quoted.Value(text)}");
            }
        });
        var overdue = new Option<bool>("--overdue")
        {
            Description = "List the requests older than the deadline (Compliance:Deadline, 30 days by default) and not completed",
        };
        var command = new Command("forget-status", "Show where a forget request stands (accepted, completed, failed) with its receipts") { requestId, overdue };
        command.Validators.Add(result =>
        {
            var named = result.GetResult(requestId) is { Tokens.Count: > 0 };
            var listed = result.GetResult(overdue) is { } o && !o.Errors.Any() && result.GetValue(overdue);
            if (named == listed)
            {
                result.AddError(named ? "give a REQUEST-ID or --overdue, not both" : "give a REQUEST-ID, or --overdue");
            }
        });
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            if (parse.GetValue(overdue))
            {
                invocation.Output.Overdue(await invocation.Client.ListOverdueRequestsAsync(ct));
                return;
            }

            invocation.Output.RequestStatus(await invocation.Client.GetForgetRequestAsync(parse.GetRequiredValue(requestId), ct));
        }));
        return command;
    }
}
