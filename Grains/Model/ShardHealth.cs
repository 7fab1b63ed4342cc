using Microsoft.Extensions.Logging;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// Keeps a model's shards honest about what they serve: excludes a shard whose state became unknown and readmits
/// it once it says what it serves, reports shards absent for too long, and answers for shards that do not answer.
/// Used only from the model grain's turns.
/// </summary>
internal sealed class ShardHealth(
    string model,
    ModelShards shards,
    Func<int, IShardGrain> shardOf,
    UnlearningOptions options,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100), LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>Keeps the shard out of the ensemble, and asks it what it serves until it answers.</summary>
    public void Exclude(ShardView view, string reason)
    {
        var readmitting = view.Exclusion is not null;
        view.Exclude(reason);
        shards.Changed();
        if (!readmitting) _ = ReadmitWhenItAnswersAsync(view);
    }

    /// <summary>
    /// Asks an excluded shard for its snapshot, with growing pauses, until it answers (its silo back, or declared dead
    /// and the shard reactivated elsewhere); a snapshot asked for after the exclusion says what the shard serves.
    /// </summary>
    private async Task ReadmitWhenItAnswersAsync(ShardView view)
    {
        var pause = FirstPause;
        for (var attempt = 1; view.Exclusion is not null; attempt++)
        {
            try
            {
                var snapshot = await shardOf(view.Index).GetSnapshot().WaitAsync(options.ShardStatusTimeout);
                if (view.Exclusion is null) return; // a forget's acceptance readmitted it meanwhile
                view.RequireForgetsAccepted(snapshot.ForgetsAccepted);
                view.Offer(snapshot);
                view.Readmit();
                shards.Changed();
                logger.LogInformation("Shard {Shard} of model {Model} answered after {Attempts} attempts and is back in the ensemble",
                    view.Index, model, attempt);
                return;
            }
            catch (Exception error)
            {
                if (attempt == 1 || attempt % 10 == 0)
                {
                    logger.LogWarning("Shard {Shard} of model {Model} stays out of the ensemble until it answers ({Attempts} attempts: {Error})",
                        view.Index, model, attempt, error.GetType().Name);
                }

                await Task.Delay(pause, time);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    /// <summary>One line per shard out of the ensemble for longer than the alarm allows.</summary>
    public string[] Alerts() => [.. shards.AbsentLongerThan(options.MissingShardAlarm).Select(AbsenceAlert)];

    /// <summary>Logs, once per absence, a shard out of the ensemble for longer than the alarm allows.</summary>
    public void ReportLongAbsences()
    {
        foreach (var view in shards.AbsentLongerThan(options.MissingShardAlarm).Where(view => !view.AbsenceReported))
        {
            view.AbsenceReported = true;
            logger.LogError("Model {Model}: {Alert}; predictions use the other shards", model, AbsenceAlert(view));
        }
    }

    /// <summary>The shard's own report, with the model's view over it: excluded, or unreachable when it does not answer in time.</summary>
    public async Task<ShardStatus> StatusOfAsync(ShardView view)
    {
        ShardStatus status;
        try
        {
            status = await shardOf(view.Index).GetStatus().WaitAsync(options.ShardStatusTimeout);
        }
        catch (Exception error)
        {
            return new ShardStatus(view.Index, view.Records, view.Snapshot.Version, ShardServingState.Unreachable, "", [],
                view.Snapshot.ForgetsAccepted, Exclusion: view.Exclusion ?? $"did not answer: {error.GetType().Name}");
        }
        return view.Exclusion is { } reason ? status with { State = ShardServingState.Excluded, Exclusion = reason } : status;
    }

    private static string AbsenceAlert(ShardView view) =>
        $"shard {view.Index} has been out of the ensemble since {view.AbsentSince:u} ({view.AbsenceReason ?? "back now"})";
}
