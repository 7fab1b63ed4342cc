namespace Unlearning.Client.Csv;

/// <summary>
/// Consecutive validated rows of a data file, in file order: <see cref="Lines"/>[i] is the line row i starts on,
/// <see cref="Features"/>[i] its features in the layout's order.
/// </summary>
internal sealed class RecordBatch(int[] lines, string[] ids, string[] subjects, double[][] features, string[]? labels, int[]? labelIndices)
{
    public int Count => Ids.Length;

    public int[] Lines { get; } = lines;

    public string[] Ids { get; } = ids;

    /// <summary>Each row's subject; its id when the file has no subject column.</summary>
    public string[] Subjects { get; } = subjects;

    public double[][] Features { get; } = features;

    /// <summary>The raw labels, when the label column was read without the model's labels; otherwise null.</summary>
    public string[]? Labels { get; } = labels;

    /// <summary>Indices into the model's labels, when the label column was read with them; otherwise null.</summary>
    public int[]? LabelIndices { get; } = labelIndices;
}
