namespace Unlearning;

/// <summary>
/// What a client watching a long call learns from the grain it called: which activation answers (another one means
/// the call's silo died), and how the call stands there. A call <see cref="CallProgress.Finished"/> whose answer never
/// reaches the client was answered through a gateway that went away: the client stops waiting and says the call may
/// have been carried out.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CallWatch")]
public sealed record CallWatch([property: Id(0)] string Activation, [property: Id(1)] CallProgress Progress)
{
    /// <summary>The request-context key under which a client names the call it will watch (an id of its own choosing).</summary>
    public const string ContextKey = "unlearning-watched-call";
}

[GenerateSerializer, Alias("Unlearning.CallProgress")]
public enum CallProgress
{
    /// <summary>The activation has not seen the call: not arrived yet, or long forgotten.</summary>
    Unknown = 0,
    Running = 1,
    /// <summary>Done (answered or failed); the answer was sent.</summary>
    Finished = 2,
}
