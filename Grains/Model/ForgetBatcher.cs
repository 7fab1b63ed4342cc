using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// Groups the forgets bound for one shard: the first goes out at once, and those that arrive while it is in
/// flight go together in the next call, so a burst costs the shard a few writes and one retrain instead of
/// one each. Used only from the model grain's turns.
/// </summary>
/// <param name="send">Sends subjects to the shard; its flag says whether more forgets may follow soon.</param>
/// <param name="othersInFlight">Whether the model has forgets in flight besides the ones being sent.</param>
internal sealed class ForgetBatcher(Func<string[], bool, Task<ForgetAcceptance[]>> send, Func<int, bool> othersInFlight)
{
    private List<(string Subject, TaskCompletionSource<ForgetAcceptance> Accepted)> _pending = [];
    private bool _sending;

    public Task<ForgetAcceptance> Submit(string subject)
    {
        var accepted = new TaskCompletionSource<ForgetAcceptance>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Add((subject, accepted));
        if (!_sending) _ = SendAllAsync();
        return accepted.Task;
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
