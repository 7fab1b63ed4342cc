using System.Text.Json;
using Unlearning.Client.Csv;

namespace Unlearning.Silo.Http;

/// <summary>
/// A predict body in JSON: <c>{"rows": [{"feature": value, ...}, ...]}</c>. Each row names every feature of the model
/// once, with a finite number; it may carry an <c>"id"</c> (a string; by default the row's index, from 0), and
/// <c>"subject"</c> and <c>"label"</c> are ignored as in a CSV file. Every problem names the row and the feature.
/// </summary>
internal static class JsonRows
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    public static (string[] Ids, double[][] Features) Read(ReadOnlyMemory<byte> body, IReadOnlyList<string> featureNames)
    {
        using var document = JsonDocument.Parse(body, Options);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            throw ApiInputException.BadRequest("the body must be a JSON object with a \"rows\" array: {\"rows\": [{\"feature\": value, ...}]}");
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "rows")
                throw ApiInputException.BadRequest($"unexpected property {Quoted.Value(property.Name)}; the body has \"rows\" only");
        }

        var count = rows.GetArrayLength();
        if (count == 0)
            throw ApiInputException.BadRequest("\"rows\" is empty: nothing to predict");
        var columns = new Dictionary<string, int>(featureNames.Count, StringComparer.Ordinal);
        for (var j = 0; j < featureNames.Count; j++) columns[featureNames[j]] = j;

        var ids = new string[count];
        var features = new double[count][];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var row in rows.EnumerateArray())
        {
            (ids[i], features[i]) = ReadRow(row, i, columns, featureNames);
            if (!seen.Add(ids[i]))
                throw ApiInputException.BadRequest($"rows[{i}]: duplicate id {Quoted.Value(ids[i])}");
            i++;
        }
        return (ids, features);
    }

    private static (string Id, double[] Features) ReadRow(JsonElement row, int index, Dictionary<string, int> columns, IReadOnlyList<string> names)
    {
        if (row.ValueKind != JsonValueKind.Object)
            throw ApiInputException.BadRequest($"rows[{index}] must be an object of feature names and numbers, not {Kind(row)}");
        var values = new double[names.Count];
        var given = new bool[names.Count];
        string? id = null;
        foreach (var property in row.EnumerateObject())
        {
            var where = $"rows[{index}].{property.Name}";
            switch (property.Name)
            {
                case ReservedColumns.Id:
                    if (property.Value.ValueKind != JsonValueKind.String || !ModelLimits.IsValidId(property.Value.GetString()))
                        throw ApiInputException.BadRequest($"{where} must be a string of 1 to {ModelLimits.MaxIdLength} characters");
                    id = property.Value.GetString();
                    continue;
                case ReservedColumns.Subject or ReservedColumns.Label:
                    continue;
            }

            if (!columns.TryGetValue(property.Name, out var column))
                throw ApiInputException.BadRequest($"rows[{index}]: {Quoted.Value(property.Name)} is not a feature of the model ({Quoted.List(names, 10)})");
            if (given[column])
                throw ApiInputException.BadRequest($"rows[{index}]: feature {Quoted.Value(property.Name)} appears twice");
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var value) || !double.IsFinite(value))
                throw ApiInputException.BadRequest($"{where} must be a finite number, not {Kind(property.Value)}");
            values[column] = value;
            given[column] = true;
        }

        var missing = Enumerable.Range(0, names.Count).Where(j => !given[j]).Select(j => names[j]).ToArray();
        if (missing.Length > 0)
            throw ApiInputException.BadRequest($"rows[{index}]: missing {(missing.Length == 1 ? "feature" : "features")} {Quoted.List(missing, 10)}");
        return (id ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture), values);
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => "a number out of range",
        JsonValueKind.String => "a string",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
