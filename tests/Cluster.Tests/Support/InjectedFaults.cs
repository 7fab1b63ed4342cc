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
