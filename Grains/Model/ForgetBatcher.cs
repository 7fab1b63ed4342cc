using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// Groups the forgets bound for one shard: the first goes out at once, and those that arrive while it is in
/// flight go together in the next call, so a burst costs the shard a few writes and one retrain instead of
/// one each. Forgets handed out together (<see cref="Gather"/>) go in one call. Used only from the model grain's turns.
/// </summary>
/// <param name="send">Sends subjects to the shard; its flag says whether more forgets may follow soon.</param>
/// <param name="othersInFlight">Whether the model has forgets in flight besides the ones being sent.</param>
internal sealed class ForgetBatcher(Func<string[], bool, Task<ForgetAcceptance[]>> send, Func<int, bool> othersInFlight)
{
    private List<(string Subject, TaskCompletionSource<ForgetAcceptance> Accepted)> _pending = [];
    private bool _sending;
    private int _gathering;

    public Task<ForgetAcceptance> Submit(string subject)
    {
        var accepted = new TaskCompletionSource<ForgetAcceptance>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Add((subject, accepted));
        if (!_sending && _gathering == 0) _ = SendAllAsync();
        return accepted.Task;
    }

    /// <summary>
    /// Until the scope ends, forgets submitted wait, so that those of a batch go to the shard in one call: sent the usual
    /// way, the first would go alone and the rest after it, two writes and a retrain started only to be cancelled.
    /// </summary>
    public Gathering Gather()
    {
        _gathering++;
        return new Gathering(this);
    }

    private void EndGathering()
    {
        if (--_gathering == 0 && !_sending && _pending.Count > 0) _ = SendAllAsync();
    }

    /// <summary>Ends a <see cref="Gather"/> once: then what was submitted meanwhile goes out.</summary>
    public sealed class Gathering(ForgetBatcher batcher) : IDisposable
    {
        private ForgetBatcher? _batcher = batcher;

        public void Dispose()
        {
            _batcher?.EndGathering();
            _batcher = null;
        }
    }

    private async Task SendAllAsync()
    {
        _sending = true;
        while (_pending.Count > 0)
        {
            var batch = _pending;
            _pending = [];
            try
            {
                var acceptances = await send([.. batch.Select(b => b.Subject)], batch.Count > 1 || othersInFlight(batch.Count));
                for (var i = 0; i < batch.Count; i++) batch[i].Accepted.TrySetResult(acceptances[i]);
            }
            catch (Exception error)
            {
                foreach (var (_, accepted) in batch) accepted.TrySetException(error);
            }
        }
        _sending = false;
    }
}
