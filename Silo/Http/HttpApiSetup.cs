using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Unlearning.Client.Json;
using Unlearning.Silo.Web;

namespace Unlearning.Silo.Http;

/// <summary>
/// The HTTP API co-hosted in the silo (README, "HTTP API"): its services, its middleware and its endpoints. With tokens
/// configured every operation needs a bearer token with a role its grain calls allow; without (a loopback silo, or
/// --insecure), none.
/// </summary>
public static class HttpApiSetup
{
    public const string DocumentName = "v1";
    public const string RatePolicy = "unlearning-http-api";

    public static IServiceCollection AddUnlearningHttpApi(this IServiceCollection services, HttpApiOptions options, bool tokens)
    {
        services.AddSingleton(options);
        services.AddSingleton(new HttpApiMode(tokens));
        services.AddSingleton<ModelEndpoints>();
        services.AddProblemDetails();
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, GrainCallsHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResults>();
        services.AddApiAuthentication(tokens);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    $"more than {options.RateLimit} requests in {options.RateWindow.TotalSeconds:0.###} s from this caller (Http:RateLimit, Http:RateWindow); try again later");
            };
            limiter.AddPolicy(RatePolicy, http => options.RateLimit == 0
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetFixedWindowLimiter(CallerKey(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimit,
                    Window = options.RateWindow,
                    QueueLimit = 0,
                }));
        });
        services.AddOpenApi(DocumentName, openApi =>
        {
            openApi.ShouldInclude = description => description.ActionDescriptor.EndpointMetadata.OfType<GrainCalls>().Any();
            openApi.AddDocumentTransformer(new ApiDocument(tokens));
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline: a failure outside the endpoints (which answer their own) and a bodiless error status (404 for
    /// a path that does not exist, 405) are answered as problems too, never as an empty page or a stack trace.
    /// </summary>
    public static void UseUnlearningHttpApiProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            await ApiProblems.WriteAsync(http, status, status switch
            {
                StatusCodes.Status404NotFound => $"no such endpoint: {http.Request.Method} {http.Request.Path} (the endpoints are listed at /openapi/v1.json)",
                StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not take {http.Request.Method}",
                StatusCodes.Status415UnsupportedMediaType =>
                    $"{http.Request.Path} does not take a body of type '{http.Request.ContentType}' (the types it takes are listed at /openapi/v1.json)",
                _ => "",
            });
        });
    }

    /// <summary>Authentication, then the rate limit (so a caller is counted by its token), then each endpoint's roles.</summary>
    public static void UseUnlearningHttpApi(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    /// <summary>The operations under /v1/models/{model} and the OpenAPI document, on <paramref name="listener"/> only.</summary>
    public static void MapUnlearningHttpApi(this WebApplication app, WebListener listener)
    {
        var tokens = app.Services.GetRequiredService<HttpApiMode>().Tokens;
        var models = app.MapGroup(ModelEndpoints.Route)
            .OnListener(listener)
            .AddEndpointFilter<ApiCallFilter>()
            .RequireRateLimiting(RatePolicy)
            .WithTags("models")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        if (tokens)
            models.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        models.MapPost("", (string model, HttpContext http, ModelEndpoints api) => api.Create(model, http))
            .Calls(tokens, nameof(IModelGrain.Create))
            .WithName("CreateModel").WithSummary("Create a model (the CLI's create)")
            .Accepts<CreateModelRequest>("application/json")
            .Produces<ConfigDocument>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        models.MapPost("/records", (string model, string? ingestId, HttpContext http, ModelEndpoints api) => api.Ingest(model, ingestId, http))
            .Calls(tokens, nameof(IModelGrain.StageIngest), nameof(IModelGrain.CommitIngest), nameof(IModelGrain.AbortIngest), nameof(IModelGrain.GetConfig),
                nameof(IModelGrain.Watch))
            .WithName("IngestRecords").WithSummary("Add a CSV body's records, all or nothing (the CLI's ingest)")
            .Accepts<string>("text/csv")
            .Produces<IngestDocument>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        models.MapPost("/train", (string model, HttpContext http, ModelEndpoints api) => api.Train(model, http))
            .Calls(tokens, nameof(IModelGrain.Train), nameof(IModelGrain.Watch))
            .WithName("TrainModel").WithSummary("Train every shard; answers once all serve (the CLI's train)")
            .Produces<TrainDocument>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        models.MapPost("/predict", (string model, HttpContext http, ModelEndpoints api) => api.Predict(model, http))
            .Calls(tokens, nameof(IModelGrain.Predict), nameof(IModelGrain.GetConfig))
            .WithName("Predict").WithSummary("Predict each row, given as JSON {\"rows\": [{\"feature\": value}]} or CSV (the CLI's predict --json, as an array)")
            .Accepts<PredictRequest>("application/json", "text/csv")
            .Produces<PredictionDocument[]>()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        models.MapPost("/forget", (string model, HttpContext http, ModelEndpoints api) => api.Forget(model, http))
            .Calls(tokens, nameof(IModelGrain.Forget), nameof(IModelGrain.Watch))
            .WithName("ForgetSubject").WithSummary("Forget a data subject; answers with the receipt (the CLI's forget)")
            .Accepts<ForgetRequest>("application/json")
            .Produces<System.Text.Json.Nodes.JsonObject>()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        models.MapGet("/status", (string model, HttpContext http, ModelEndpoints api) => api.Status(model, http))
            .Calls(tokens, nameof(IModelGrain.GetStatus))
            .WithName("ModelStatus").WithSummary("A model's records, version and shards (the CLI's status)")
            .Produces<StatusDocument>();

        app.MapOpenApi($"/openapi/{{documentName}}.json").OnListener(listener).AllowAnonymous();
    }

    /// <summary>
    /// The endpoint makes these <see cref="IModelGrain"/> calls: with tokens, only a caller whose roles allow every one
    /// of them gets in (the grain call filter checks each call again as that caller).
    /// </summary>
    private static RouteHandlerBuilder Calls(this RouteHandlerBuilder endpoint, bool tokens, params string[] methods)
    {
        var calls = GrainCalls.Of(methods);
        endpoint.WithMetadata(calls).WithDescription(tokens ? $"Roles that may: {calls.Allowed}." : "Tokens are off on this silo: open to every caller that reaches it.");
        if (tokens)
        {
            endpoint.RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(calls));
        }
        return endpoint;
    }

    /// <summary>A token's subject (rate limits are per caller), or without one the remote address.</summary>
    private static string CallerKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst("sub")?.Value is { } subject
            ? $"sub:{subject}"
            : $"ip:{http.Connection.RemoteIpAddress}";
}

/// <summary>Whether the HTTP API checks bearer tokens: exactly when the silo's grain call filter checks tokens.</summary>
internal sealed record HttpApiMode(bool Tokens);

/// <summary>The JSON predict body, for the OpenAPI document: rows of feature names and values (and optionally an "id").</summary>
internal sealed record PredictRequest(IReadOnlyList<Dictionary<string, System.Text.Json.JsonElement>> Rows);
