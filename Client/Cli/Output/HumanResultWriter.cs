using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Unlearning.Client.Json;
using Unlearning.Client.Security;
using DevSetupFiles = Unlearning.Client.Security.DevSetup;

namespace Unlearning.Cli.Output;

/// <summary>
/// Results as sentences and Spectre tables. Cells are <see cref="Text"/>, never markup: ids and labels are user data.
/// This file: models, ingest, training, predictions, explanations, set-up and the shared cell formats; forgets and
/// requests, status and verification, and audits each have a file of their own.
/// </summary>
internal sealed partial class HumanResultWriter(IAnsiConsole console) : IResultWriter
{
    /// <summary>At most this many rows of a forget dry run are listed; --json lists all.</summary>
    public const int EstimatedRowsShown = 20;

    public void Created(ModelConfig config)
    {
        console.WriteLine($"Created model '{config.Name}'.");
        List<(string Name, string Value)> settings =
        [
            ("features", $"{config.FeatureCount}: {string.Join(", ", config.FeatureNames)}"),
            ("labels", string.Join(", ", config.Labels)),
            ("shards", Number(config.Shards)),
            ("slices", Number(config.Slices)),
            ("lambda", config.Certified is { ChooseLambda: true, Calibration: null }
                ? $"chosen at the first train from {string.Join(", ", CertifiedLambdaGrid)}" : Real(config.Lambda)),
            ("ensemble", WireNames.Of(config.Ensemble)),
            ("max iterations", Number(config.MaxIterations)),
            ("unlearning", WireNames.Of(config.Method)),
        ];
        if (config.Certified is { } certified)
        {
            settings.Add(("epsilon", Real(certified.Epsilon)));
            settings.Add(("delta", Real(certified.Delta)));
            settings.Add(("sigma", certified.AwaitsCalibration
                ? $"chosen at the first train for {Number(certified.Removals)} removals per shard" : Real(certified.Sigma)));
            if (certified.Calibration is { } calibration) settings.Add(("calibration", Calibration(certified, calibration)));
        }

        console.Write(Settings([.. settings]));
        if (config.Certified?.FeatureCentres is not null)
        {
            // Unwrapped: a note that scripts may grep for, not a paragraph.
            console.Profile.Out.Writer.WriteLine("Note: the schema file's feature means and standard deviations are now part " +
                "of the model's config and are not forgotten with records; use a reference file, not training data.");
        }
    }

    public void Ingested(string model, long accepted, long unchanged, long totalRecords) =>
        console.WriteLine($"Ingested {Number(accepted)} records into '{model}'" +
            (unchanged > 0 ? $" ({Number(unchanged)} more it held already, unchanged)" : "") + $"; it now holds {Number(totalRecords)}.");

    public void Trained(TrainResult result) =>
        console.WriteLine($"Trained '{result.Model}' on {Number(result.Records)} records: {result.ShardsServing} shards serving, " +
            $"version {result.Version}, {Number(result.ElapsedMs)} ms.");

    public IRowWriter<AnsweredPrediction> Predictions(ModelConfig config) => new HumanPredictionRows(console, config);

    public void Evaluated(EvaluationResult result) =>
        console.WriteLine($"Accuracy of '{result.Model}' (version {result.Version}, {Number(result.ShardsUsed)} shards) on {Number(result.Rows)} rows: " +
            $"{result.Accuracy.ToString("P2", CultureInfo.InvariantCulture)} ({result.Accuracy.ToString("R", CultureInfo.InvariantCulture)}).");

    public IRowWriter<Explanation> Explanations(ModelConfig config) => new RowWriter<Explanation>((ids, explanations) =>
    {
        for (var i = 0; i < ids.Count; i++)
        {
            Explained(config, ids[i], explanations[i]);
        }
    });

    public void DevSetup(DevSetupResult result)
    {
        // Plain lines, never wrapped: the options are for copying into a shell.
        var writer = console.Profile.Out.Writer;
        writer.WriteLine($"Wrote development credentials to {result.Directory} (certificates valid until {result.ExpiresUtc:yyyy-MM-dd} UTC):");
        writer.WriteLine($"  {DevSetupFiles.CaFile,-16} CA certificate that silos and clients trust");
        writer.WriteLine($"  {DevSetupFiles.SiloCertFile,-16} silo certificate (key {DevSetupFiles.SiloKeyFile}) for {string.Join(", ", result.SiloNames)}");
        writer.WriteLine($"  {DevSetupFiles.ClientCertFile,-16} client certificate (key {DevSetupFiles.ClientKeyFile})");
        writer.WriteLine($"  {DevSetupFiles.SigningKeyFile,-16} token signing key: keep it with whoever mints tokens, never on a silo");
        writer.WriteLine($"  {DevSetupFiles.SigningPublicKeyFile,-16} its public key, for silos");
        writer.WriteLine("The CA's private key was not kept: run again with --force to re-issue every file.");
        writer.WriteLine();
        writer.WriteLine("Silo options:");
        writer.WriteLine($"  {ShellWords.Join(result.SiloArguments)}");
        writer.WriteLine("Client options:");
        writer.WriteLine($"  {ShellWords.Join(result.ClientArguments)}");
        writer.WriteLine("Mint a token (roles: " + string.Join(", ", Roles.All) + "):");
        writer.WriteLine($"  {ShellWords.Join(["unlearn", "token", "--signing-key", result.Path(DevSetupFiles.SigningKeyFile), "--role", Roles.Forgetter, "--expires", "1h"])}");
    }

    public void Token(IssuedToken token) => console.Profile.Out.Writer.WriteLine(token.Token);

    private void Explained(ModelConfig config, string id, Explanation explanation)
    {
        console.WriteLine($"Row '{id}': predicted '{config.Labels[explanation.Label]}'.");
        var table = new Table()
            .AddColumn(Column("#").RightAligned())
            .AddColumn(Column("raises loss"))
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("score").RightAligned())
            .AddColumn(Column("lowers loss"))
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("score").RightAligned());
        var count = Math.Max(explanation.Raising.Length, explanation.Lowering.Length);
        for (var k = 0; k < count; k++)
        {
            table.AddRow(Cells([Number(k + 1), .. Influence(explanation.Raising, k), .. Influence(explanation.Lowering, k)]));
        }

        console.Write(table);
    }

    private static Table Settings(params (string Name, string Value)[] settings)
    {
        var table = new Table().HideHeaders().AddColumn(Column("setting")).AddColumn(Column("value"));
        foreach (var (name, value) in settings)
        {
            table.AddRow(Cells(name, value));
        }

        return table;
    }

    private static TableColumn Column(string header) => new(new Text(header));

    private static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Round-trippable, as --json writes it.</summary>
    private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Probability(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Score(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static readonly string[] CertifiedLambdaGrid = ["0.0001", "0.001", "0.01", "0.1"];

    /// <summary>What a calibration measured: the accuracy its noise costs on held-out training rows.</summary>
    private static string Calibration(CertifiedOptions certified, CertifiedCalibration calibration) =>
        $"chosen at the first train for {Number(certified.Removals)} removals per shard; held-out accuracy " +
        $"{Percent(calibration.HeldOutAccuracy)} vs {Percent(calibration.ExactHeldOutAccuracy)} for an exact fit of the same lambda, " +
        $"on {Number(calibration.HeldOutRows)} held-out training rows; about {Score(calibration.StepBound)} spent per removal" +
        (calibration.HighStepBound > 0 ? $" (95% of removals below {Score(calibration.HighStepBound)})" : "");

    private static string Percent(double value) => (100 * value).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string Budget(CertifiedBudget? budget) => budget is null ? "-" : $"{Score(budget.Spent)} / {Score(budget.Total)}";

    private static string[] Influence(RecordInfluence[] influences, int k) => k < influences.Length
        ? [influences[k].RecordId, Number(influences[k].Shard), Score(influences[k].Score)]
        : ["", "", ""];
}
