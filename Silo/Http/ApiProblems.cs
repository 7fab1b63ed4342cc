using System.Text.Json;
using Unlearning.Client;
using Unlearning.Client.Csv;

namespace Unlearning.Silo.Http;

/// <summary>
/// How a failed request is answered: application/problem+json with the status the failure calls for and a detail that
/// names the problem, as the CLI's error line would. Messages go to the caller, who sent what they name; never to a log.
/// </summary>
internal static class ApiProblems
{
    /// <summary>The status and detail for <paramref name="error"/>; a failure nobody foresaw is a 500 with no detail to leak.</summary>
    public static (int Status, string Detail) Describe(Exception error) => error switch
    {
        ApiInputException input => (input.Status, input.Message),
        CsvFormatException or JsonException or ArgumentException => (StatusCodes.Status400BadRequest, OneLine(error.Message)),
        BadHttpRequestException request => (request.StatusCode, OneLine(request.Message)),
        KeyNotFoundException => (StatusCodes.Status404NotFound, OneLine(error.Message)),
        UnauthenticatedException => (StatusCodes.Status401Unauthorized, OneLine(error.Message)),
        ForbiddenException => (StatusCodes.Status403Forbidden, OneLine(error.Message)),
        IngestNotSettledException or AnswerLostException or StoreFailedException => (StatusCodes.Status503ServiceUnavailable, OneLine(error.Message)),
        TimeoutException => (StatusCodes.Status504GatewayTimeout, "the cluster did not answer in time; a write may still have been carried out"),
        InvalidOperationException => (StatusCodes.Status409Conflict, OneLine(error.Message)),
        _ => (StatusCodes.Status500InternalServerError, "the cluster failed to answer; the silo's log has the error's type"),
    };

    public static IResult For(Exception error)
    {
        var (status, detail) = Describe(error);
        return Problem(status, detail);
    }

    public static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);

    /// <summary>Writes a problem outside an endpoint (authentication, rate limiting), through the app's problem details service.</summary>
    public static async Task WriteAsync(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Detail = detail.Length > 0 ? detail : null },
        });
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
