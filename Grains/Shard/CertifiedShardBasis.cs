using Unlearning.Learning;
using Unlearning.Removal;

namespace Unlearning.Shard;

/// <summary>
/// A certified shard's <see cref="RemovalBasis"/> with the ids of its rows, row for row. The rows are in the shard's
/// canonical order (its one slice, sorted by ordinal id), so the rows of removed records are found by binary search,
/// without touching the shard's records.
/// </summary>
internal sealed class CertifiedShardBasis
{
    private readonly string[] _ids;

    private CertifiedShardBasis(RemovalBasis basis, string[] ids)
    {
        Basis = basis;
        _ids = ids;
    }

    /// <param name="rows">Exactly the records <paramref name="model"/> stands for, transformed, sorted by ordinal id.</param>
    /// <param name="ids">Their ids, row for row; kept without copying.</param>
    public static CertifiedShardBasis Compute(CertifiedModel model, TrainingSet rows, string[] ids)
    {
        if (ids.Length != rows.Rows) throw new ArgumentException($"{ids.Length} ids for {rows.Rows} rows", nameof(ids));
        for (var i = 1; i < ids.Length; i++)
        {
            if (string.CompareOrdinal(ids[i - 1], ids[i]) >= 0)
                throw new ArgumentException($"ids are not in strictly ascending ordinal order at '{ids[i]}'", nameof(ids));
        }

        return new CertifiedShardBasis(RemovalBasis.Compute(model, rows), ids);
    }

    public RemovalBasis Basis { get; }

    public CertifiedModel Model => Basis.Model;

    public IReadOnlyList<string> Ids => _ids;

    /// <summary>The rows of these records, ascending; every one must be a row of the basis.</summary>
    public int[] IndicesOf(IEnumerable<string> ids)
    {
        var indices = ids.Select(id =>
        {
            var index = Array.BinarySearch(_ids, id, StringComparer.Ordinal);
            return index >= 0 ? index : throw new ArgumentException($"record '{id}' is not a row of the removal basis", nameof(ids));
        }).ToArray();
        Array.Sort(indices);
        return indices;
    }

    /// <summary>
    /// The basis of <paramref name="next"/>, the model that replaced this one by removing the rows at
    /// <paramref name="removed"/>: the other rows and ids in order, with everything recomputed from them.
    /// </summary>
    public CertifiedShardBasis Successor(CertifiedModel next, IReadOnlyList<int> removed) =>
        Compute(next, Basis.Without(removed), SortedIndices.Without(_ids, 1, removed));
}
