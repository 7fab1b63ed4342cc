namespace Unlearning.Client;

/// <summary>
/// The client lost every gateway while a call waited for its answer. The call may have been carried out; nothing is
/// tried again: the next call waits for a gateway to come back.
/// </summary>
public sealed class ClusterConnectionLostException(string where)
    : Exception($"lost the connection to the cluster {where} before the answer");
