using Polly;

namespace Unlearning.Client.Calls;

/// <summary>How model calls are guarded: the reads' resilience pipeline and the settings that bound and watch the rest.</summary>
internal sealed class CallPolicy(ResiliencePipeline reads, UnlearningResilienceOptions options, TimeProvider time)
{
    public ResiliencePipeline Reads => reads;

    public UnlearningResilienceOptions Options => options;

    public TimeProvider Time => time;

    /// <summary>A policy with its own pipeline, outside dependency injection (the CLI, tests).</summary>
    public static CallPolicy Create(UnlearningResilienceOptions options, TimeProvider? time = null)
    {
        options.Validate();
        time ??= TimeProvider.System;
        return new CallPolicy(ReadPipeline.Configure(new ResiliencePipelineBuilder(), options, time).Build(), options, time);
    }
}
