namespace Unlearning.Client;

/// <summary>
/// How calls ride out a silo that dies. Reads (predict, evaluate, status, config, counts) are tried again with
/// exponential backoff while they fail for want of an answer, each attempt bounded by <see cref="ReadAttemptTimeout"/>,
/// until <see cref="ReadRetryWindow"/> has passed since the first attempt: then the last error surfaces. Writes are never
/// tried again by the client (a forget or an ingest may have been carried out even when its answer was lost); long ones
/// (train, forget, commit, verify, explain, audit) are watched instead: the client asks the model every
/// <see cref="WatchInterval"/> which activation serves it, and fails the call at once with <see cref="AnswerLostException"/>
/// when that activation is gone, or after <see cref="UnansweredChecks"/> unanswered asks.
/// </summary>
public sealed class UnlearningResilienceOptions
{
    /// <summary>How long a read may keep failing before its error surfaces (default 60 s, beyond the cluster's failure
    /// detection); <see cref="Timeout.InfiniteTimeSpan"/>: until the caller's token is cancelled.</summary>
    public TimeSpan ReadRetryWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt of a read may wait for its answer (default 15 s).</summary>
    public TimeSpan ReadAttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The pause before the first retry (default 100 ms); each later pause doubles, with jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between two attempts (default 2 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a long call's model is asked which activation serves it (default 3 s).</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many asks in a row may go unanswered before a long call is reported lost (default 4).</summary>
    public int UnansweredChecks { get; set; } = 4;

    internal void Validate()
    {
        if (ReadRetryWindow <= TimeSpan.Zero && ReadRetryWindow != Timeout.InfiniteTimeSpan)
            throw new ArgumentException("Resilience.ReadRetryWindow must be positive, or Timeout.InfiniteTimeSpan");
        Positive(ReadAttemptTimeout, nameof(ReadAttemptTimeout));
        Positive(FirstRetryDelay, nameof(FirstRetryDelay));
        Positive(WatchInterval, nameof(WatchInterval));
        if (MaxRetryDelay < FirstRetryDelay) throw new ArgumentException("Resilience.MaxRetryDelay must be at least FirstRetryDelay");
        if (UnansweredChecks < 1) throw new ArgumentException("Resilience.UnansweredChecks must be at least 1");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan) throw new ArgumentException($"Resilience.{name} must be a positive time");
    }
}
