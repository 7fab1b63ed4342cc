using System.CommandLine;

namespace Unlearning.Cli.Commands;

internal static class StatusCommand
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var budgets = new Option<bool>("--budgets")
        {
            Description = "A certified model's removal budgets per shard instead (for auditors: they depend on the removed records)",
        };
        var watch = new Option<bool>("--watch")
        {
            Description = "Redraw a live table of the shards, their states and versions until Ctrl+C (with --json: one status line per refresh)",
        };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "With --watch: how often to ask again, e.g. 1s, 10s (default 2s)",
            HelpName = "DURATION",
            DefaultValueFactory = _ => DefaultInterval,
            CustomParser = result =>
            {
                if (Durations.TryParse(result.Tokens.Single().Value, TimeSpan.FromDays(1), "an interval", out var every, out var problem)) return every;
                result.AddError($"--interval: {problem}");
                return default;
            },
        };
        var command = new Command("status", "Show a model's records, version and per-shard state") { model, budgets, watch, interval };
        command.Validators.Add(result =>
        {
            var watching = result.GetResult(watch) is { Errors: var errors } && !errors.Any() && result.GetValue(watch);
            if (watching && result.GetResult(budgets) is not null && result.GetValue(budgets))
                result.AddError("--watch shows the shards' states; it does not go with --budgets");
            else if (!watching && result.GetResult(interval) is { Implicit: false })
                result.AddError("--interval applies only with --watch");
        });
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var name = parse.GetRequiredValue(model);
            if (parse.GetValue(watch))
            {
                try
                {
                    await invocation.Output.WatchStatusAsync(invocation.Client.WatchStatusAsync(name, parse.GetValue(interval), ct), ct);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C is how a watch ends.
                }

                return;
            }

            if (parse.GetValue(budgets)) invocation.Output.Certification(await invocation.Client.GetCertificationAsync(name, ct));
            else invocation.Output.Status(await invocation.Client.GetStatusAsync(name, ct));
        }));
        return command;
    }
}
