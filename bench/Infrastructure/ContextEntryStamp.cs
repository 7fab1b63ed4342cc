namespace Unlearning.Bench.Infrastructure;

/// <summary>Puts one fixed RequestContext entry on every call (<see cref="BenchSecurity.TlsWithContextEntry"/>).</summary>
internal sealed class ContextEntryStamp(string key, string value) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(key, value);
        await context.Invoke();
    }
}
