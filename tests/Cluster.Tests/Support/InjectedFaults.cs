using System.Collections.Concurrent;

namespace Unlearning.Tests.Support;

/// <summary>
/// Calls the in-process test cluster fails on purpose: a grain method of one grain key fails (before the grain sees
/// the call) until a given time, as if its silo were unreachable. Inert unless a test arms it.
/// </summary>
public static class InjectedFaults
{
    private static readonly ConcurrentDictionary<(string Key, string Method), DateTime> Until = new();

    public static void FailUntil(string grainKey, string method, DateTime until) => Until[(grainKey, method)] = until;

    public static void Clear(string grainKey, string method) => Until.TryRemove((grainKey, method), out _);

    public sealed class Filter : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (!Until.IsEmpty && Until.TryGetValue((context.TargetId.Key.ToString()!, context.MethodName), out var until) && DateTime.UtcNow < until)
                throw new TimeoutException($"injected: {context.MethodName} of {context.TargetId.Key} does not answer");
            return context.Invoke();
        }
    }
}

/// <summary>The sources Orleans reports to incoming-call filters (IIncomingGrainCallContext.SourceId), per target and method.</summary>
public static class CallSources
{
    private static readonly ConcurrentDictionary<(string Target, string Method), GrainId?> Last = new();

    public static GrainId? Of(GrainId target, string method) => Last.TryGetValue((target.ToString(), method), out var source) ? source : null;

    public sealed class Filter : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            Last[(context.TargetId.ToString(), context.MethodName)] = context.SourceId;
            return context.Invoke();
        }
    }
}
