using System.Text.Encodings.Web;
using System.Text.Json;

namespace Unlearning.Client.Json;

/// <summary>How the documents of JsonDocuments.cs are written, by the CLI's --json and the HTTP API alike.</summary>
internal static class JsonContract
{
    /// <summary>
    /// camelCase keys; relaxed escaping keeps ids and labels readable ("O'Brien", "é"): the output is never embedded in
    /// HTML (the HTTP API serves it as application/json). Doubles use the default round-trippable formatting.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
