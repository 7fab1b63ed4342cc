using System.Globalization;
using Spectre.Console;
using Unlearning.Client.Json;

namespace Unlearning.Cli.Output;

/// <summary>
/// predict's rows for people: one table when there are at most <see cref="TableRows"/>; beyond that, tab-separated lines
/// (a header line, then a line per row) as the batches come, so that memory holds one batch whatever the file's size.
/// </summary>
internal sealed class HumanPredictionRows(IAnsiConsole console, ModelConfig config) : IRowWriter<AnsweredPrediction>
{
    public const int TableRows = 1_000;

    private readonly List<string[]> _table = [];
    private bool _lines;
    private int _fewestShards = int.MaxValue;

    public void Write(IReadOnlyList<string> ids, IReadOnlyList<AnsweredPrediction> predictions)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            var prediction = predictions[i].Prediction;
            _fewestShards = Math.Min(_fewestShards, predictions[i].ShardsUsed);
            string[] cells = [ids[i], config.Labels[prediction.Label], .. prediction.Probabilities.Select(Probability)];
            if (_lines)
            {
                WriteLine(cells);
                continue;
            }

            _table.Add(cells);
            if (_table.Count > TableRows)
            {
                _lines = true;
                WriteLine(Header());
                _table.ForEach(WriteLine);
                _table.Clear();
            }
        }
    }

    public void Complete()
    {
        if (!_lines) WriteTable();
        if (_fewestShards < config.Shards)
        {
            console.Profile.Out.Writer.WriteLine($"Note: some predictions used {_fewestShards} of the model's {config.Shards} shards " +
                "(`unlearn status` says why the others were out).");
        }
    }

    private void WriteTable()
    {
        var table = new Table();
        foreach (var (header, i) in Header().Select((header, i) => (header, i)))
        {
            var column = new TableColumn(new Text(header));
            table.AddColumn(i < 2 ? column : column.RightAligned());
        }

        foreach (var cells in _table)
        {
            table.AddRow([.. cells.Select(cell => new Text(cell))]);
        }

        console.Write(table);
    }

    private string[] Header() => ["id", "label", .. config.Labels.Select(label => $"P({label})")];

    // Tabs and line breaks inside an id or label would shift the columns.
    private void WriteLine(string[] cells) =>
        console.Profile.Out.Writer.WriteLine(string.Join('\t', cells.Select(cell => cell.ReplaceLineEndings(" ").Replace('\t', ' '))));

    private static string Probability(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
