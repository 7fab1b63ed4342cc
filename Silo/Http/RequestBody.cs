using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Unlearning.Client.Csv;

namespace Unlearning.Silo.Http;

/// <summary>What a request body holds, by its Content-Type.</summary>
internal enum BodyKind
{
    Json,
    Csv,
}

/// <summary>
/// A request body, read whole into memory within <see cref="HttpApiOptions.MaxBodyBytes"/>: CSV is validated by the
/// client library's reader, which reads the text again to confirm a duplicate id, so the body must be at hand twice.
/// </summary>
internal sealed class RequestBody
{
    /// <summary>The name CSV errors give the body: "body line 3, column "age": ...".</summary>
    public const string CsvName = "body";

    private readonly byte[] _buffer;
    private readonly int _length;

    private RequestBody(BodyKind kind, byte[] buffer, int length)
    {
        Kind = kind;
        _buffer = buffer;
        _length = length;
    }

    public BodyKind Kind { get; }

    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    /// <summary>
    /// Reads the body if its Content-Type is one of <paramref name="accepted"/> (415 otherwise) and it is within
    /// <paramref name="limit"/> bytes (413 otherwise, before a byte is read when it declares its length).
    /// </summary>
    public static async Task<RequestBody> ReadAsync(HttpContext http, long limit, params BodyKind[] accepted)
    {
        var kind = KindOf(http.Request.ContentType);
        if (kind is null || !accepted.Contains(kind.Value))
        {
            var names = string.Join(" or ", accepted.Select(MediaTypeOf));
            throw new ApiInputException(StatusCodes.Status415UnsupportedMediaType,
                $"the body must be {names} (UTF-8), not {(string.IsNullOrEmpty(http.Request.ContentType) ? "without a Content-Type" : $"'{http.Request.ContentType}'")}");
        }

        if (http.Request.ContentLength is { } declared && declared > limit)
            throw TooLarge(limit);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;

        using var buffer = new MemoryStream(http.Request.ContentLength is { } length ? (int)length : 64 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        try
        {
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit) throw TooLarge(limit);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit); // the server's own limit, reached by a body that did not declare its length
        }
        if (buffer.Length == 0)
            throw ApiInputException.BadRequest($"the body is empty; send {MediaTypeOf(kind.Value)}");
        return new RequestBody(kind.Value, buffer.GetBuffer(), (int)buffer.Length);
    }

    /// <summary>The body as a CSV source for the client library's staged ingest (a byte order mark is skipped).</summary>
    public CsvSource Csv(CsvLimits limits) => CsvSource.FromStream(new MemoryStream(_buffer, 0, _length, writable: false), CsvName, limits);

    /// <summary>The body as a data file for <see cref="RecordStream"/> (a byte order mark is skipped).</summary>
    public RecordStream Records(CsvLimits limits) => RecordStream.Open(
        () => new StreamReader(new MemoryStream(_buffer, 0, _length, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true),
        CsvName, limits);

    public static string MediaTypeOf(BodyKind kind) => kind == BodyKind.Csv ? "text/csv" : "application/json";

    private static BodyKind? KindOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
            return null;
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !media.Charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Csv;
        if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Json;
        return null;
    }

    private static ApiInputException TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge,
        $"the body is larger than {limit:N0} bytes, the most this API takes (Http:MaxBodyBytes)");
}
