using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Unlearning.Silo.Security;

namespace Unlearning.Silo.Http;

/// <summary>
/// Endpoint metadata and authorization requirement: the <see cref="IModelGrain"/> methods an endpoint calls. The caller
/// must hold a role that each of them allows by its <see cref="RequiresRoleAttribute"/>: the grain call filter's table,
/// read from the same attributes, so the HTTP API refuses exactly what the cluster would refuse, only earlier.
/// </summary>
internal sealed class GrainCalls(IReadOnlyList<MethodInfo> methods) : IAuthorizationRequirement
{
    public IReadOnlyList<MethodInfo> Methods { get; } = methods;

    public static GrainCalls Of(params string[] methodNames) => new([.. methodNames.Select(name =>
        typeof(IModelGrain).GetMethod(name) ?? throw new ArgumentException($"IModelGrain has no method {name}", nameof(methodNames)))]);

    /// <summary>The roles that may call the endpoint: those each method allows, admin last ("writer, admin").</summary>
    public string Allowed => string.Join(", ", Methods
        .Select(m => CallRules.Of(m).Roles?.Roles ?? [])
        .Aggregate((a, b) => [.. a.Intersect(b)])
        .Where(r => r != Roles.Admin).Append(Roles.Admin));

    /// <summary>Null when <paramref name="caller"/> may make every call; else the refusal of the first it may not make.</summary>
    public string? RefusalFor(CallerIdentity caller)
    {
        foreach (var method in Methods)
        {
            var (rule, roles) = CallRules.Of(method);
            if (rule != CallRule.Client || !caller.IsAllowed(roles))
                return CallRules.Refusal(caller.Roles, method, roles);
        }
        return null;
    }
}

/// <summary>Checks <see cref="GrainCalls"/> against the caller JwtBearer identified.</summary>
internal sealed partial class GrainCallsHandler(ILogger<GrainCallsHandler> logger) : AuthorizationHandler<GrainCalls>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, GrainCalls requirement)
    {
        if (context.Resource is not HttpContext http || http.Caller() is not { } caller)
            return Task.CompletedTask; // not authenticated: a challenge, 401
        if (requirement.RefusalFor(caller) is { } refusal)
        {
            LogForbidden(logger, caller.Subject, string.Join(", ", caller.Roles.Order(StringComparer.Ordinal)), http.Request.Path);
            context.Fail(new AuthorizationFailureReason(this, refusal));
        }
        else
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP API: refused {Path} to {Caller} (roles {Roles})")]
    private static partial void LogForbidden(ILogger logger, string caller, string roles, string path);
}

/// <summary>Answers a refusal as a problem: 403 with the refusal's words; a missing or bad token goes to JwtBearer's challenge (401).</summary>
internal sealed class ProblemAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && context.Caller() is not null)
        {
            var refusal = result.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
                ?? $"{ForbiddenException.Prefix}no role of this token may do this";
            await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
