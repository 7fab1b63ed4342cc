namespace Unlearning.Requests;

/// <summary>
/// What a forget request persists. Subjects are kept only while their part is being carried out (a part must survive
/// a silo's death); once done, the part keeps its receipts, without subjects, and a keyed hash of its subjects so that
/// the same part sent again is recognised.
/// </summary>
[GenerateSerializer, Alias("Unlearning.ForgetRequestState")]
public sealed class ForgetRequestState
{
    /// <summary>When the first part was accepted; null for a request never accepted.</summary>
    [Id(0)] public DateTimeOffset? Accepted { get; set; }
    /// <summary>The model the request forgets from; null: every model that holds its subjects.</summary>
    [Id(1)] public string? Model { get; set; }
    [Id(2)] public RequestState State { get; set; }
    [Id(3)] public DateTimeOffset? Completed { get; set; }
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public Dictionary<int, RequestPart> Parts { get; set; } = [];
    /// <summary>Drawn with the request: the key of its parts' fingerprints.</summary>
    [Id(6)] public byte[]? Key { get; set; }
}

[GenerateSerializer, Alias("Unlearning.RequestPart")]
public sealed class RequestPart
{
    [Id(0)] public string Fingerprint { get; set; } = "";
    /// <summary>The subjects while the part is not done; null afterwards.</summary>
    [Id(1)] public string[]? Subjects { get; set; }
    [Id(2)] public int Count { get; set; }
    /// <summary>Per subject, in order, the receipts (subject left empty); set when done.</summary>
    [Id(3)] public List<ForgetReceipt[]>? Results { get; set; }
    [Id(4)] public string? Error { get; set; }

    public bool Done => Results is not null || Error is not null;
}
