namespace Unlearning.Client.Verification;

/// <summary>
/// One audited record as the model sees it: its true class, the ensemble's class probabilities, every shard's
/// class probabilities (indexed [shard][class]) and the shard its subject hashes to, the one that trains on it.
/// </summary>
internal sealed record AuditRecord(int Label, double[] Ensemble, double[][] Shards, int OwningShard);
