using System.CommandLine;
using System.CommandLine.Parsing;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class CreateCommand
{
    private const int DefaultShards = ModelDefinition.DefaultShards;
    private const int DefaultSlices = ModelDefinition.DefaultSlices;
    private const int CertifiedSlices = ModelDefinition.CertifiedSlices;

    private static readonly string Exact = WireNames.Of(UnlearningMethod.Exact);
    private static readonly string CertifiedName = WireNames.Of(UnlearningMethod.Certified);

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var schema = new Option<string>("--schema")
        {
            Description = "A CSV file: its header gives the features, its label column the labels",
            HelpName = "FILE",
            Required = true,
        };
        var shards = Bounded("--shards", DefaultShards, ModelLimits.MaxShards, "Number of shards (independently trained sub-models)");
        var slices = Bounded("--slices", DefaultSlices, ModelLimits.MaxSlices,
            $"Number of slices per shard (retraining checkpoints); {CertifiedSlices} with --unlearning {CertifiedName}");
        var maxIterations = Bounded("--max-iterations", ModelConfig.DefaultMaxIterations, ModelLimits.MaxIterations, "Optimizer iteration limit per slice");
        var lambda = new Option<double>("--lambda")
        {
            Description = "L2 regularization strength",
            DefaultValueFactory = _ => ModelConfig.DefaultLambda,
            CustomParser = result => OptionParsing.Number(result, "--lambda", "a finite number > 0", ModelLimits.IsValidLambda),
        };
        var ensemble = new Option<string>("--ensemble")
        {
            Description = "How shard predictions are combined",
            HelpName = WireNames.Choices<EnsembleMode>(WireNames.Of),
            DefaultValueFactory = _ => WireNames.Of(EnsembleMode.Average),
        };
        ensemble.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (WireNames.ParseEnsemble(text) is null)
            {
                result.AddError($"--ensemble must be {WireNames.Alternatives<EnsembleMode>(WireNames.Of)}, not {Quoted.Value(text)}");
            }
        });
        var unlearning = new Option<string>("--unlearning")
        {
            Description = "How forgets are made: exact SISA retraining, or certified removal (a Newton step with an (epsilon, delta) guarantee)",
            HelpName = WireNames.Choices<UnlearningMethod>(WireNames.Of),
            DefaultValueFactory = _ => Exact,
        };
        unlearning.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (WireNames.ParseUnlearning(text) is null)
            {
                result.AddError($"--unlearning must be {WireNames.Alternatives<UnlearningMethod>(WireNames.Of)}, not {Quoted.Value(text)}");
            }
        });
        var epsilon = new Option<double>("--epsilon")
        {
            Description = $"Certified removal's epsilon (required with --unlearning {CertifiedName})",
            CustomParser = result => OptionParsing.Number(result, "--epsilon", "a finite number > 0", value => value > 0),
        };
        var delta = new Option<double>("--delta")
        {
            Description = $"Certified removal's delta (required with --unlearning {CertifiedName})",
            CustomParser = result => OptionParsing.Number(result, "--delta", "a number strictly between 0 and 1",
                value => value is > 0 and < 1),
        };
        var sigma = new Option<double>("--sigma")
        {
            Description = $"Standard deviation of the training objective's noise (with --unlearning {CertifiedName}); " +
                "without it the model chooses sigma for --removals",
            CustomParser = result => OptionParsing.Number(result, "--sigma", "a finite number > 0", value => value > 0),
        };
        var removals = Bounded("--removals", CertifiedOptions.DefaultRemovals, ModelLimits.MaxRemovals,
            $"With --unlearning {CertifiedName} and no --sigma: single-record removals each shard should absorb between exact " +
            "retrains; the first train chooses sigma for them (and lambda, unless --lambda is given)");

        var command = new Command("create", "Create a model whose features and labels come from a CSV file")
        {
            model, schema, shards, slices, lambda, ensemble, maxIterations, unlearning, epsilon, delta, sigma, removals,
        };
        var csv = new CsvOptions();
        csv.AddTo(command);
        command.Validators.Add(result => ValidateMethod(result, unlearning, slices, epsilon, delta, sigma, removals));
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var schemaFile = CsvSource.Open(parse.GetRequiredValue(schema), csv.Limits(parse));
            var method = WireNames.ParseUnlearning(parse.GetRequiredValue(unlearning))!.Value;
            var certified = method == UnlearningMethod.Certified;
            var definition = new ModelDefinition(parse.GetRequiredValue(model))
            {
                Shards = parse.GetValue(shards),
                Slices = IsGiven(parse.GetResult(slices)) || !certified ? parse.GetValue(slices) : null,
                Lambda = IsGiven(parse.GetResult(lambda)) || !certified ? parse.GetValue(lambda) : null,
                Ensemble = WireNames.ParseEnsemble(parse.GetRequiredValue(ensemble))!.Value,
                MaxIterations = parse.GetValue(maxIterations),
                Method = method,
                Epsilon = certified ? parse.GetValue(epsilon) : null,
                Delta = certified ? parse.GetValue(delta) : null,
                Sigma = certified && IsGiven(parse.GetResult(sigma)) ? parse.GetValue(sigma) : null,
                Removals = certified && !IsGiven(parse.GetResult(sigma)) ? parse.GetValue(removals) : null,
            };
            invocation.Output.Created(await invocation.Client.CreateModelAsync(definition, schemaFile, ct));
        }));
        return command;
    }

    /// <summary>Which options go with which method, checked once every option has parsed on its own.</summary>
    private static void ValidateMethod(CommandResult result, Option<string> unlearning, Option<int> slices,
        Option<double> epsilon, Option<double> delta, Option<double> sigma, Option<int> removals)
    {
        OptionResult?[] involved = [result.GetResult(unlearning), result.GetResult(slices),
            result.GetResult(epsilon), result.GetResult(delta), result.GetResult(sigma), result.GetResult(removals)];
        if (involved.Any(option => option is not null && option.Errors.Any()))
        {
            return; // already reported
        }

        var method = result.GetValue(unlearning);
        if (method != CertifiedName)
        {
            var misplaced = new Option[] { epsilon, delta, sigma, removals }.Where(option => IsGiven(result.GetResult(option))).Select(o => o.Name).ToArray();
            if (misplaced.Length > 0)
            {
                result.AddError($"{Enumerate(misplaced)} {(misplaced.Length == 1 ? "applies" : "apply")} only with " +
                    $"--unlearning {CertifiedName}");
            }

            return;
        }

        var missing = new[] { epsilon, delta }.Where(option => !IsGiven(result.GetResult(option))).Select(o => o.Name).ToArray();
        if (missing.Length > 0)
        {
            result.AddError($"--unlearning {CertifiedName} requires {Enumerate(missing)}");
        }
        else if (IsGiven(result.GetResult(slices)) && result.GetValue(slices) != CertifiedSlices)
        {
            result.AddError($"--slices must be {CertifiedSlices} with --unlearning {CertifiedName}, " +
                $"not '{result.GetValue(slices)}'");
        }
        else if (IsGiven(result.GetResult(sigma)) && IsGiven(result.GetResult(removals)))
        {
            result.AddError("--removals and --sigma exclude each other: give --removals and the model chooses sigma for them, " +
                "or --sigma and status --budgets estimates the removals left as they are made");
        }
    }

    private static bool IsGiven(OptionResult? option) => option is { Implicit: false };

    private static string Enumerate(string[] names) =>
        names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";

    private static Option<int> Bounded(string name, int defaultValue, int max, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => OptionParsing.Integer(result, name, $"an integer from 1 to {max}", value => value >= 1 && value <= max),
    };
}
