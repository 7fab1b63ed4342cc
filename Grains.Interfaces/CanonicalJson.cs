using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Unlearning;

/// <summary>
/// The canonical JSON encoding that receipt signatures and audit-entry hashes are computed over: RFC 8785 (JSON
/// Canonicalization Scheme) for the values this project signs, which are objects, arrays, strings, integers of at most
/// 2^53 - 1 in magnitude, booleans and null. Object members sorted by their names' UTF-16 code units, no whitespace,
/// strings with only <c>"</c>, <c>\</c> and the control characters escaped (<c>\b \t \n \f \r</c>, others as
/// <c>\u00xx</c> in lower case), integers in plain decimal, the whole as UTF-8. Python's
/// <c>json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()</c> gives the same bytes for
/// such values, so an auditor needs no .NET to check a signature or a hash.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The largest integer magnitude a canonical value may hold (exact in every JSON implementation's doubles).</summary>
    public const long MaxInteger = (1L << 53) - 1;

    public static byte[] Encode(JsonNode? value)
    {
        var text = new StringBuilder();
        Write(text, value, "$");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The canonical text, for error messages and documentation examples.</summary>
    public static string Text(JsonNode? value) => Encoding.UTF8.GetString(Encode(value));

    private static void Write(StringBuilder text, JsonNode? value, string path)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject members:
                text.Append('{');
                var first = true;
                foreach (var (name, member) in members.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    if (!first) text.Append(',');
                    first = false;
                    WriteString(text, name, $"{path}.{name}");
                    text.Append(':');
                    Write(text, member, $"{path}.{name}");
                }
                text.Append('}');
                break;
            case JsonArray items:
                text.Append('[');
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    Write(text, items[i], $"{path}[{i}]");
                }
                text.Append(']');
                break;
            case JsonValue scalar:
                WriteScalar(text, scalar, path);
                break;
        }
    }

    private static void WriteScalar(StringBuilder text, JsonValue value, string path)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, value.GetValue<string>(), path);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            case JsonValueKind.Number:
                text.Append(Integer(value, path).ToString(CultureInfo.InvariantCulture));
                break;
            default:
                throw new FormatException($"{path}: not a JSON value");
        }
    }

    /// <summary>The number as an integer; 12.0 and 1.2e1 count as 12, as in RFC 8785; fractions and huge values are refused.</summary>
    private static long Integer(JsonValue value, string path)
    {
        long integer;
        if (value.TryGetValue<long>(out var exact))
        {
            integer = exact;
        }
        else if (value.TryGetValue<int>(out var small))
        {
            integer = small;
        }
        else if (value.TryGetValue<double>(out var real) && Math.Abs(real) <= MaxInteger && real == Math.Floor(real))
        {
            integer = (long)real;
        }
        else if (value.TryGetValue<JsonElement>(out var element) && element.TryGetDouble(out var parsed) && Math.Abs(parsed) <= MaxInteger
                 && parsed == Math.Floor(parsed))
        {
            integer = (long)parsed;
        }
        else
        {
            throw new FormatException($"{path}: only integers of at most 2^53 - 1 are canonical here, not {value.ToJsonString()}");
        }
        if (Math.Abs(integer) > MaxInteger)
            throw new FormatException($"{path}: the integer {integer} is beyond 2^53 - 1");
        return integer;
    }

    private static void WriteString(StringBuilder text, string value, string path)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\f': text.Append("\\f"); break;
                case '\r': text.Append("\\r"); break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (char.IsSurrogate(c))
                    {
                        if (!char.IsHighSurrogate(c) || i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                            throw new FormatException($"{path}: a string holds a lone surrogate, which has no UTF-8 form");
                        text.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
    }
}
