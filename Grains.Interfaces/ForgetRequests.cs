namespace Unlearning;

/// <summary>
/// A forget request, keyed by its id: stored when it is accepted, carried out until it completes (after a silo failure
/// too, with no caller retry), and answered again, not repeated, when the same id comes back. A request is sent in
/// parts (<see cref="ForgetOrder.Part"/>): a single forget is one part; a file of subjects is sent part by part.
/// </summary>
[Alias("Unlearning.IForgetRequestGrain")]
public interface IForgetRequestGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts a part of the request (stored before anything is forgotten) and returns when every subject of it is
    /// forgotten: one result per subject, in order. A part sent again answers as the first time; a part number sent
    /// again with other subjects, or another target, is refused.
    /// </summary>
    [RequiresRole(Roles.Forgetter, Action = "forget subjects (a stored forget request)")]
    [Alias("Submit"), ResponseTimeout(LongRunning.Timeout)] Task<SubjectForget[]> Submit(ForgetOrder order);

    /// <summary>Where the request stands, with the receipts of the parts done; subjects are not kept, so receipts carry none.</summary>
    [RequiresRole(Roles.Forgetter, Action = "read a forget request's status")]
    [Alias("GetStatus")] Task<ForgetRequestStatus> GetStatus();

    /// <summary>
    /// Which activation answers, and how the call a client named <paramref name="call"/> stands there: a client waiting on
    /// <see cref="Submit"/> learns when its call is lost (<see cref="IModelGrain.Watch"/>).
    /// </summary>
    [RequiresRole(Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor, Action = "watch a call in flight")]
    [Alias("Watch"), Orleans.Concurrency.AlwaysInterleave] Task<CallWatch> Watch(string call);
}

/// <summary>The requests not completed: one for the cluster, keyed by <see cref="Key"/>.</summary>
[Alias("Unlearning.IForgetRequests")]
public interface IForgetRequests : IGrainWithStringKey
{
    const string Key = "requests";

    /// <summary>
    /// Requests accepted longer ago than the deadline (<c>Compliance:Deadline</c>) and not completed, oldest first. Auditors
    /// check the deadline, forgetters act on it; the list names requests, never subjects.
    /// </summary>
    [RequiresRole(Roles.Auditor, Roles.Forgetter, Action = "list overdue forget requests")]
    [Alias("Overdue")] Task<OverdueRequest[]> Overdue();
}

/// <summary>
/// A part of a forget request: <see cref="Subjects"/> to forget from <see cref="Model"/>, or from every model that
/// holds them (found through the subject index) when <see cref="Model"/> is null.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetOrder")]
public sealed record ForgetOrder(
    [property: Id(0)] string? Model,
    [property: Id(1)] string[] Subjects,
    [property: Id(2)] int Part = 1)
{
    /// <summary>No subjects: Orleans prints call arguments in some of its log lines.</summary>
    public override string ToString() => $"ForgetOrder {{ {Model ?? "every model"}, part {Part}, {Subjects?.Length ?? 0} subjects }}";
}

/// <summary>
/// What a request did to one subject: for a request on one model, that model's receipt (with <c>recordsRemoved: 0</c>
/// when it held nothing); for a request on every model, one receipt per model that held the subject.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SubjectForget")]
public sealed record SubjectForget(
    [property: Id(0)] string Subject,
    [property: Id(1)] ForgetReceipt[] Receipts)
{
    public override string ToString() => $"SubjectForget {{ {Receipts?.Length ?? 0} receipts }}";
}

[GenerateSerializer, Alias("Unlearning.RequestState")]
public enum RequestState
{
    /// <summary>Stored, not done yet: it completes even if the silo running it dies.</summary>
    Accepted = 0,
    /// <summary>Every part done.</summary>
    Completed = 1,
    /// <summary>A part could not be done (the model does not exist, say); <see cref="ForgetRequestStatus.Error"/> says why.</summary>
    Failed = 2,
}

/// <summary>
/// A request as it stands: <see cref="Receipts"/> of its completed parts (their subject is empty: the cluster keeps no
/// subject once forgotten), <see cref="Subjects"/> the number of subjects in all its parts.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetRequestStatus")]
public sealed record ForgetRequestStatus(
    [property: Id(0)] string RequestId,
    [property: Id(1)] RequestState State,
    [property: Id(2)] string? Model,
    [property: Id(3)] DateTimeOffset Accepted,
    [property: Id(4)] DateTimeOffset? Completed,
    [property: Id(5)] int Subjects,
    [property: Id(6)] ForgetReceipt[] Receipts,
    [property: Id(7)] string? Error);

/// <summary>A request past its deadline and not completed.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.OverdueRequest")]
public sealed record OverdueRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] RequestState State,
    [property: Id(2)] string? Model,
    [property: Id(3)] DateTimeOffset Accepted,
    [property: Id(4)] DateTimeOffset Due,
    [property: Id(5)] int Subjects,
    [property: Id(6)] string? Error);

/// <summary>The bounds of forget requests, checked by the client before it sends and by the grains when they receive.</summary>
public static class RequestLimits
{
    public const int MaxRequestIdLength = 100;
    /// <summary>Most subjects in one part of a request.</summary>
    public const int MaxSubjectsPerPart = 10_000;
    public const int MaxParts = 1_000_000;

    public const string RequestIdRule = "1-100 letters, digits, '-', '_', '.' or ':'";

    public static bool IsValidRequestId(string? id) =>
        id is { Length: >= 1 and <= MaxRequestIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    public static bool IsValidPart(int part) => part is >= 1 and <= MaxParts;
}
