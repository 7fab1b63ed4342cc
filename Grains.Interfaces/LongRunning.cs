namespace Unlearning;

/// <summary>
/// Calls that wait for training (train, forget, and the shard calls behind them) or for an influence analysis
/// take as long as the data demands, far beyond Orleans' default response timeout; everything else keeps it.
/// </summary>
public static class LongRunning
{
    public const string Timeout = "1.00:00:00";
}
