using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Unlearning.Client.Output;

/// <summary>Results as sentences and Spectre tables. Cells are <see cref="Text"/>, never markup: ids and labels are user data.</summary>
internal sealed class HumanResultWriter(IAnsiConsole console) : IResultWriter
{
    public void Created(ModelConfig config)
    {
        console.WriteLine($"Created model '{config.Name}'.");
        console.Write(Settings(
            ("features", $"{config.FeatureCount}: {string.Join(", ", config.FeatureNames)}"),
            ("labels", string.Join(", ", config.Labels)),
            ("shards", Number(config.Shards)),
            ("slices", Number(config.Slices)),
            ("lambda", config.Lambda.ToString("R", CultureInfo.InvariantCulture)),
            ("ensemble", EnsembleNames.Of(config.Ensemble)),
            ("max iterations", Number(config.MaxIterations))));
    }

    public void Ingested(string model, int accepted, long totalRecords) =>
        console.WriteLine($"Ingested {Number(accepted)} records into '{model}'; it now holds {Number(totalRecords)}.");

    public void Trained(TrainResult result) =>
        console.WriteLine($"Trained '{result.Model}' on {Number(result.Records)} records: {result.ShardsServing} shards serving, " +
            $"version {result.Version}, {Number(result.ElapsedMs)} ms.");

    public void Predicted(ModelConfig config, IReadOnlyList<string> ids, IReadOnlyList<Prediction> predictions)
    {
        var table = new Table().AddColumn(Column("id")).AddColumn(Column("label"));
        foreach (var label in config.Labels)
        {
            table.AddColumn(Column($"P({label})").RightAligned());
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var prediction = predictions[i];
            table.AddRow([
                new Text(ids[i]),
                new Text(config.Labels[prediction.Label]),
                .. prediction.Probabilities.Select(p => new Text(p.ToString("F4", CultureInfo.InvariantCulture))),
            ]);
        }

        console.Write(table);
    }

    public void Evaluated(EvaluationResult result) =>
        console.WriteLine($"Accuracy of '{result.Model}' (version {result.Version}) on {Number(result.Rows)} rows: " +
            $"{result.Accuracy.ToString("P2", CultureInfo.InvariantCulture)} ({result.Accuracy.ToString("R", CultureInfo.InvariantCulture)}).");

    public void Forgot(ForgetReceipt receipt)
    {
        console.WriteLine($"Forgot subject '{receipt.Subject}' in model '{receipt.Model}'.");
        console.Write(Settings(
            ("request", receipt.RequestId),
            ("shard", Number(receipt.Shard)),
            ("records removed", Number(receipt.RecordsRemoved)),
            ("slices retrained", Number(receipt.SlicesRetrained)),
            ("version", $"{receipt.VersionBefore} -> {receipt.VersionAfter}"),
            ("method", receipt.Method),
            ("elapsed", $"{Number(receipt.ElapsedMs)} ms")));
    }

    public void Status(ModelStatus status)
    {
        console.WriteLine($"Model '{status.Model}': {Number(status.Records)} records, " +
            (status.Trained ? $"trained, version {status.Version}." : "not trained."));
        var table = new Table()
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("records").RightAligned())
            .AddColumn(Column("version").RightAligned())
            .AddColumn(Column("state"))
            .AddColumn(Column("silo"));
        foreach (var shard in status.Shards)
        {
            table.AddRow(Cells(Number(shard.Index), Number(shard.Records), Number(shard.Version), shard.State, shard.Silo));
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
}
