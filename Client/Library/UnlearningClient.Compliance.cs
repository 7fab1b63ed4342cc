using Unlearning.Client.Calls;

namespace Unlearning.Client;

/// <summary>The privacy office's and auditors' calls: the model catalog, deletes, stored forget requests, the audit log and the signing keys.</summary>
public sealed partial class UnlearningClient
{
    /// <inheritdoc />
    public Task<ModelSummary[]> ListModelsAsync(CancellationToken cancellationToken = default) =>
        OnceAsync<IModelCatalog, ModelSummary[]>(IModelCatalog.Key, static catalog => catalog.List(), cancellationToken);

    /// <inheritdoc />
    public Task<DeleteResult> DeleteModelAsync(string model, CancellationToken cancellationToken = default) =>
        CallAsync(ModelRules.Name(model), 0, static (grain, _) => grain.Delete(), cancellationToken);

    /// <inheritdoc />
    public Task<SubjectForget[]> SubmitForgetAsync(string requestId, ForgetOrder order, CancellationToken cancellationToken = default)
    {
        RequestRules.Id(requestId);
        RequestRules.Checked(order);
        return RequestAsync(requestId, cancellationToken, request => request.Submit(order));
    }

    /// <inheritdoc />
    public Task<ForgetRequestStatus> GetForgetRequestAsync(string requestId, CancellationToken cancellationToken = default) =>
        RequestAsync(RequestRules.Id(requestId), cancellationToken, static request => request.GetStatus());

    /// <inheritdoc />
    public Task<OverdueRequest[]> ListOverdueRequestsAsync(CancellationToken cancellationToken = default) =>
        OnceAsync<IForgetRequests, OverdueRequest[]>(IForgetRequests.Key, static requests => requests.Overdue(), cancellationToken);

    /// <inheritdoc />
    public Task<SubjectAudit> FindSubjectInAuditLogAsync(string subject, CancellationToken cancellationToken = default)
    {
        ModelRules.Id(subject, nameof(subject));
        return OnceAsync<IAuditGrain, SubjectAudit>(IAuditGrain.Key, log => log.FindSubject(subject), cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAuditLogAsync(CancellationToken cancellationToken = default) =>
        OnceAsync<IAuditGrain, AuditVerification>(IAuditGrain.Key, static log => log.Verify(), cancellationToken);

    /// <inheritdoc />
    public Task<AuditPage> ReadAuditLogAsync(long from = 0, int count = ClientLimits.DefaultAuditPage, CancellationToken cancellationToken = default)
    {
        if (from < 0) throw new ArgumentOutOfRangeException(nameof(from), from, $"from must be a sequence number (1 or more), or 0 for the last entries, not {from}");
        ModelRules.Range(count, 1, AuditLimits.MaxPage, nameof(count));
        return OnceAsync<IAuditGrain, AuditPage>(IAuditGrain.Key, log => log.Read(from, count), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReceiptSigningKeys> GetSigningKeysAsync(CancellationToken cancellationToken = default) =>
        OnceAsync<ISigningKeyGrain, ReceiptSigningKeys>(ISigningKeyGrain.Key, static keys => keys.GetPublicKeys(), cancellationToken);

    /// <summary>Calls to the forget request <paramref name="requestId"/>'s grain (guarded: <see cref="GuardedRequestGrain"/>), as one operation.</summary>
    private async Task<T> RequestAsync<T>(string requestId, CancellationToken cancellationToken, Func<IForgetRequestGrain, Task<T>> work)
    {
        var request = (await _cluster.GrainsAsync(cancellationToken)).GetGrain<IForgetRequestGrain>(requestId);
        using var session = Session(cancellationToken);
        return await session.RunAsync((request, work, _policy), static (s, session) => s.work(new GuardedRequestGrain(s.request, session, s._policy))).ConfigureAwait(false);
    }

    /// <summary>One call to one of the cluster's own grains (catalog, requests, audit log, keys): one attempt, stopped with the session.</summary>
    private async Task<T> OnceAsync<TGrain, T>(string key, Func<TGrain, Task<T>> call, CancellationToken cancellationToken) where TGrain : IGrainWithStringKey
    {
        var grain = (await _cluster.GrainsAsync(cancellationToken)).GetGrain<TGrain>(key);
        using var session = Session(cancellationToken);
        return await session.RunAsync((grain, call), static (s, session) => s.call(s.grain).WaitAsync(session.Stop)).ConfigureAwait(false);
    }
}
