namespace Unlearning.Shard;

/// <summary>
/// The records of ingests not committed yet, by ingest and by id. An id is staged by one ingest at a time (a second
/// ingest staging it is refused), so a commit never brings two copies of a record.
/// </summary>
internal sealed class StagedRecords
{
    private readonly Dictionary<string, Dictionary<string, (DataRecord Record, int Slice, int Chunk)>> _byIngest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _ingestOf = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Ingests => _byIngest.Keys;

    public void Clear()
    {
        _byIngest.Clear();
        _ingestOf.Clear();
    }

    public void Add(string ingestId, DataRecord record, int slice, int chunk)
    {
        if (!_byIngest.TryGetValue(ingestId, out var records)) _byIngest[ingestId] = records = new(StringComparer.Ordinal);
        records[record.Id] = (record, slice, chunk);
        _ingestOf[record.Id] = ingestId;
    }

    public (string Ingest, DataRecord Record)? Find(string recordId) =>
        _ingestOf.TryGetValue(recordId, out var ingest) ? (ingest, _byIngest[ingest][recordId].Record) : null;

    /// <summary>The chunk a staged record is stored in; -1 when it is not staged.</summary>
    public int ChunkOf(string recordId) =>
        _ingestOf.TryGetValue(recordId, out var ingest) ? _byIngest[ingest][recordId].Chunk : -1;

    /// <summary>Removes an ingest's records, returning them.</summary>
    public List<(DataRecord Record, int Slice, int Chunk)> Take(string ingestId)
    {
        if (!_byIngest.Remove(ingestId, out var records)) return [];
        foreach (var id in records.Keys) _ingestOf.Remove(id);
        return [.. records.Values];
    }

    /// <summary>Removes a subject's staged records from every ingest; returns the chunks that held them.</summary>
    public IEnumerable<int> TakeSubject(string subject)
    {
        var chunks = new List<int>();
        foreach (var records in _byIngest.Values)
        {
            foreach (var (id, staged) in records.Where(r => r.Value.Record.Subject == subject).ToArray())
            {
                records.Remove(id);
                _ingestOf.Remove(id);
                chunks.Add(staged.Chunk);
            }
        }
        return chunks;
    }
}
