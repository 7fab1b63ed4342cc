namespace Unlearning.Silo.Http;

/// <summary>
/// Around every HTTP API endpoint: the grain calls it makes carry the caller's bearer token in the Orleans
/// RequestContext, so that the grain call filter checks them as that caller (a request cannot gain what its token does
/// not grant, and without tokens configured there is none to carry); and any failure becomes a problem response, logged
/// by its type alone (messages may name records).
/// </summary>
internal sealed partial class ApiCallFilter(ILogger<ApiCallFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // Nothing from an earlier use of this execution context (a stale token, a mark) may ride along.
        RequestContext.Clear();
        if (http.BearerToken() is { } token)
            RequestContext.Set(TokenDefaults.RequestContextKey, token);
        try
        {
            return await next(context);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the caller is gone
        }
        catch (Exception error)
        {
            var (status, _) = ApiProblems.Describe(error);
            if (status >= StatusCodes.Status500InternalServerError)
                LogFailed(logger, http.Request.Method, http.Request.Path, status, Unlearning.Logging.ErrorDescription.Of(error));
            else
                LogRefused(logger, http.Request.Method, http.Request.Path, status, error.GetType().Name);
            return ApiProblems.For(error);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP API: {Method} {Path} failed with {Status}: {Error}")]
    private static partial void LogFailed(ILogger logger, string method, string path, int status, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP API: {Method} {Path} answered {Status} ({Error})")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status, string error);
}
