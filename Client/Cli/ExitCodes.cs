namespace Unlearning.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    /// <summary>The cluster refused the caller: no valid token (unauthenticated), or no role that allows the call (forbidden).</summary>
    public const int Denied = 3;
    /// <summary>No answer in time, or the connection was lost: the message says what may have been done.</summary>
    public const int Unanswered = 4;
    public const int Cancelled = 130;
}
