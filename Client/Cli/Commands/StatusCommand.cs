using System.CommandLine;

namespace Unlearning.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var budgets = new Option<bool>("--budgets")
        {
            Description = "A certified model's removal budgets per shard instead (for auditors: they depend on the removed records)",
        };
        var command = new Command("status", "Show a model's records, version and per-shard state") { model, budgets };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            if (parse.GetValue(budgets)) invocation.Output.Certification(await grain.GetCertification());
            else invocation.Output.Status(await grain.GetStatus());
        }));
        return command;
    }
}
