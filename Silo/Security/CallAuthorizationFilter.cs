using Unlearning.Compliance;

namespace Unlearning.Silo.Security;

/// <summary>
/// The cluster's trust boundary for grain calls, run before any grain code. Internal calls (marked by a silo, see
/// <see cref="InternalCallKey"/>) pass. From a client: the protocol between grains (Grains/Wire) is refused, with or
/// without a token; a client-contract method without <see cref="RequiresRoleAttribute"/> is refused; with tokens on,
/// the call's token (RequestContext <see cref="TokenDefaults.RequestContextKey"/>) must be valid and grant one of the
/// method's roles; a call without it may name, by its <see cref="TokenReference"/>, a token this silo verified before.
/// With tokens on, a client's call to Orleans' own grains and system targets, or another assembly's, needs
/// a valid token too, with the roles of <see cref="CallRules.ForeignRoles"/> (admin, mostly); without tokens they pass.
/// <para>
/// It also keeps grain exceptions out of the logs: a failed call is logged (debug) with the exception's type only, as
/// messages may name records; Orleans' own line for it is filtered out (<see cref="SiloLogging"/>).
/// </para>
/// <para>
/// Every refusal is appended to the audit log (<see cref="AuditTrail.Denied"/>, without waiting), and the caller's
/// identity of every call it lets through is handed to the call's audit entries (<see cref="AuditCaller"/>).
/// </para>
/// </summary>
public sealed partial class CallAuthorizationFilter(
    InternalCallKey key, ILogger<CallAuthorizationFilter> logger, TokenValidator? tokens = null, AuditTrail? audit = null)
    : IIncomingGrainCallFilter
{
    /// <summary>Whether calls must carry a valid token.</summary>
    public bool TokensRequired => tokens is not null;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        var (rule, roles) = CallRules.Of(method);
        if (rule == CallRule.NotOurs)
        {
            if (tokens is null || !CallRules.FromClient(context.SourceId) || key.IsInternalCall()) return context.Invoke();
            if (CallRules.ForeignRoles(method) is not { } foreign) return context.Invoke();
            return Authenticate(context, method, foreign);
        }
        if (key.IsInternalCall())
        {
            AuditCaller.Inherit();
            return Run(context);
        }

        switch (rule)
        {
            case CallRule.Internal:
                LogRefused(logger, CallRules.Name(method), "internal method");
                audit?.Denied(CallRules.Name(method), "internal method", null);
                throw new ForbiddenException($"{ForbiddenException.Prefix}{CallRules.Name(method)} is internal to the cluster: no client may call it");
            case CallRule.Unmarked:
                LogRefused(logger, CallRules.Name(method), "no role is allowed to call it");
                audit?.Denied(CallRules.Name(method), "no role may call it", null);
                throw new ForbiddenException($"{ForbiddenException.Prefix}{CallRules.Name(method)} names no role that may call it, so none may");
        }
        if (tokens is null)
        {
            AuditCaller.Set(null);
            return Run(context);
        }

        return Authenticate(context, method, roles!);
    }

    private Task Authenticate(IIncomingGrainCallContext context, System.Reflection.MethodInfo method, RequiresRoleAttribute roles)
    {
        var token = RequestContext.Get(TokenDefaults.RequestContextKey) as string;
        if (token is null && RequestContext.Get(TokenDefaults.ReferenceContextKey) is string reference)
        {
            // A client's later calls name a token it sent before; a silo that did not verify that token asks for it.
            // Not audited: every client meets it once per silo, and it grants nothing.
            if (tokens!.Resolve(reference) is { } known) return Authorize(context, method, roles, known);
            LogUnknownReference(logger, CallRules.Name(method));
            throw new UnknownTokenReferenceException();
        }
        var validation = tokens!.ValidateAsync(token);
        return validation.IsCompletedSuccessfully
            ? Authorize(context, method, roles, validation.Result)
            : AuthorizeAsync(context, method, roles, validation);
    }

    private async Task AuthorizeAsync(IIncomingGrainCallContext context, System.Reflection.MethodInfo method, RequiresRoleAttribute roles,
        ValueTask<TokenValidation> validation) =>
        await Authorize(context, method, roles, await validation);

    private Task Authorize(IIncomingGrainCallContext context, System.Reflection.MethodInfo method, RequiresRoleAttribute roles, TokenValidation validation)
    {
        if (!validation.IsValid)
        {
            LogUnauthenticated(logger, CallRules.Name(method), validation.Reason);
            audit?.Denied(CallRules.Name(method), $"unauthenticated: token {validation.Reason}", null);
            throw UnauthenticatedException.Because(validation.Reason);
        }
        var caller = validation.Identity;
        if (!caller.IsAllowed(roles))
        {
            var held = string.Join(", ", caller.Roles.Order(StringComparer.Ordinal));
            LogForbidden(logger, caller.Subject, held, CallRules.Name(method));
            audit?.Denied(CallRules.Name(method), $"forbidden: roles {held}", caller.Subject);
            throw new ForbiddenException(CallRules.Refusal(caller.Roles, method, roles));
        }
        AuditCaller.Set(caller.Subject);
        return Run(context);
    }

    private Task Run(IIncomingGrainCallContext context)
    {
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch (Exception error)
        {
            LogFailed(logger, context.InterfaceName, context.MethodName, Unlearning.Logging.ErrorDescription.Of(error));
            throw;
        }
        return call.IsCompletedSuccessfully ? call : Watch(context, call);
    }

    private async Task Watch(IIncomingGrainCallContext context, Task call)
    {
        try
        {
            await call;
        }
        catch (Exception error)
        {
            LogFailed(logger, context.InterfaceName, context.MethodName, Unlearning.Logging.ErrorDescription.Of(error));
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} to a client: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method}: token {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Asked for the token of {Method}: its token reference is not held here")]
    private static partial void LogUnknownReference(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} to {Caller} (roles {Roles})")]
    private static partial void LogForbidden(ILogger logger, string caller, string roles, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {Interface}.{Method} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string @interface, string method, string error);
}
