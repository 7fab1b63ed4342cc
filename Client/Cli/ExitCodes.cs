namespace Unlearning.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    /// <summary>No answer in time, or the connection was lost: the message says what may have been done.</summary>
    public const int Unanswered = 4;
    public const int Cancelled = 130;
}
