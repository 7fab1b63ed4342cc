using System.Collections.Concurrent;
using System.Reflection;
using Unlearning.Wire;

namespace Unlearning.Silo.Security;

/// <summary>What the grain call filter does with a method.</summary>
public enum CallRule
{
    /// <summary>Not one of this project's interfaces (Orleans' system grains, the dashboard's, a benchmark's): passed on.</summary>
    NotOurs,
    /// <summary>A client method with its <see cref="RequiresRoleAttribute"/>.</summary>
    Client,
    /// <summary>A client-contract method without the mark: refused to every client (fail closed).</summary>
    Unmarked,
    /// <summary>The protocol between the cluster's grains (Grains/Wire): refused to every client.</summary>
    Internal,
}

/// <summary>Which of this project's grain interfaces a method belongs to, and the roles it needs; cached per method.</summary>
public static class CallRules
{
    private static readonly Assembly Contract = typeof(IModelGrain).Assembly;
    private static readonly Assembly Implementation = typeof(IShardGrain).Assembly;
    private static readonly ConcurrentDictionary<MethodInfo, (CallRule Rule, RequiresRoleAttribute? Roles)> Cache = new();
    private static readonly ConcurrentDictionary<MethodInfo, RequiresRoleAttribute?> ForeignCache = new();

    // Orleans' internal interfaces, so named rather than typed.
    private const string ManifestInterface = "Orleans.Runtime.IClusterManifestSystemTarget";
    private const string CancellationInterface = "Orleans.Runtime.IGrainCallCancellationExtension";
    private static readonly RequiresRoleAttribute AnyRole = new([.. Unlearning.Roles.All]) { Action = "cancel a call" };
    private static readonly RequiresRoleAttribute AdminOnly = new();

    /// <summary>Whether <paramref name="method"/> belongs to an interface of this project (the contract or the grains' wire).</summary>
    public static bool IsOurs(MethodInfo? method) => method?.DeclaringType?.Assembly is { } assembly && (assembly == Contract || assembly == Implementation);

    public static (CallRule Rule, RequiresRoleAttribute? Roles) Of(MethodInfo method) => Cache.GetOrAdd(method, static m =>
    {
        var assembly = m.DeclaringType?.Assembly;
        if (assembly == Implementation) return (CallRule.Internal, null);
        if (assembly != Contract) return (CallRule.NotOurs, null);
        var roles = m.GetCustomAttribute<RequiresRoleAttribute>();
        return (roles is null ? CallRule.Unmarked : CallRule.Client, roles);
    });

    /// <summary>
    /// With tokens on, the roles a caller that says it is a client needs for a method that is not ours (Orleans' own
    /// grains and system targets, the dashboard's, a benchmark's); null: none, as Orleans' client needs it before it
    /// can make any call (the cluster manifest). Orleans' management grain can read every activation and deactivate any
    /// grain, so these are admin's, except the cancellation of a call, which any authenticated caller may send.
    /// </summary>
    public static RequiresRoleAttribute? ForeignRoles(MethodInfo method) => ForeignCache.GetOrAdd(method, static m =>
        m.DeclaringType?.FullName switch
        {
            ManifestInterface => null,
            CancellationInterface => AnyRole,
            _ => AdminOnly,
        });

    /// <summary>
    /// Whether a call's sender says it is a client (a remote client, or a silo's own host code, which marks its calls as
    /// internal). Orleans' infrastructure between silos sends from system targets and grains. The sender is what the
    /// message says: a modified client could claim a grain, which the README's threat model names.
    /// </summary>
    public static bool FromClient(GrainId? source) => source is { } sender && sender.IsClient();

    /// <summary>The method in plain words: its <see cref="RequiresRoleAttribute.Action"/>, else "call Interface.Method".</summary>
    public static string Describe(MethodInfo method, RequiresRoleAttribute? roles) =>
        roles?.Action is { Length: > 0 } action ? $"{action} ({Name(method)})" : $"call {Name(method)}";

    /// <summary>
    /// Why a caller holding <paramref name="held"/> may not call <paramref name="method"/>, in the one line the grain call
    /// filter and the HTTP API both answer: "forbidden: role reader may not forget a subject (IModelGrain.Forget); roles
    /// that may: forgetter, admin".
    /// </summary>
    public static string Refusal(IEnumerable<string> held, MethodInfo method, RequiresRoleAttribute? roles) =>
        $"{ForbiddenException.Prefix}role {string.Join(", ", held.Order(StringComparer.Ordinal))} may not {Describe(method, roles)}; " +
        $"roles that may: {roles?.Allowed ?? Roles.Admin}";

    public static string Name(MethodInfo method) => $"{method.DeclaringType?.Name}.{method.Name}";
}
