using Orleans.Storage;
using Unlearning.Shard;

namespace Unlearning.Tests.Shard;

/// <summary>
/// A shard's records in memory against a plain list of what it should hold: taking subjects out (looking only at the
/// chunks the subject index names) removes exactly their rows, committed and staged, from every slice, and leaves every
/// other row where a fresh load would put it.
/// </summary>
public sealed class RecordStoreTests
{
    private const int Slices = 3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Taking_subjects_removes_exactly_their_records_from_every_slice(int seed)
    {
        var random = new Random(seed);
        var (store, state, storage) = await NewStoreAsync();
        var held = new List<(DataRecord Record, int Slice, bool Committed)>();
        var subjects = Enumerable.Range(0, 150).Select(i => $"patient-{i:D4}").ToArray();
        var next = 0;
        // Several ingests, each spreading subjects over slices and chunks; the last stays staged.
        for (var ingest = 0; ingest < 4; ingest++)
        {
            var records = Enumerable.Range(0, 400).Select(_ =>
                new DataRecord($"r{random.Next(1_000_000):D7}-{next++}", subjects[random.Next(subjects.Length)], [random.NextDouble()], random.Next(2))).ToArray();
            var slices = records.ToDictionary(r => r.Id, _ => random.Next(Slices));
            await store.StageAsync($"ingest-{ingest}", records, r => slices[r.Id], state, () => Task.CompletedTask);
            var committed = ingest < 3;
            if (committed) store.Commit($"ingest-{ingest}", state);
            held.AddRange(records.Select(r => (r, slices[r.Id], committed)));
        }

        string[] asked = [.. subjects.Where(_ => random.NextDouble() < 0.2), "patient-9999", subjects[0], subjects[0]];
        var removals = store.TakeSubjects(asked);

        Assert.Equal(asked.Length, removals.Length);
        var firstAt = new Dictionary<string, int>();
        for (var i = 0; i < asked.Length; i++)
        {
            var subject = asked[i];
            var expected = held.Where(h => h.Record.Subject == subject && h.Committed).ToArray();
            if (!firstAt.TryAdd(subject, i))
            {
                Assert.Empty(removals[i].Records);
                continue;
            }
            Assert.Equal(expected.Select(h => h.Record.Id).Order(StringComparer.Ordinal),
                removals[i].Records.Select(r => r.Id).Order(StringComparer.Ordinal));
            Assert.Equal(expected.Length == 0 ? -1 : expected.Min(h => h.Slice), removals[i].FirstSlice);
            Assert.Equal(held.Any(h => h.Record.Subject == subject), removals[i].Chunks.Count > 0);
        }
        held.RemoveAll(h => firstAt.ContainsKey(h.Record.Subject));

        for (var slice = 0; slice < Slices; slice++)
        {
            var expected = held.Where(h => h.Slice == slice && h.Committed).Select(h => h.Record.Id).Order(StringComparer.Ordinal);
            Assert.Equal(expected, store.Rows[slice].Records().Select(r => r.Id));
        }
        foreach (var subject in subjects)
        {
            var expected = held.Where(h => h.Record.Subject == subject && h.Committed).OrderBy(h => h.Slice).ThenBy(h => h.Record.Id, StringComparer.Ordinal);
            Assert.Equal(expected.Select(h => h.Record.Id), store.FindSubject(subject).Select(r => r.Id));
            Assert.Equal(expected.Count(), store.CountOf(subject));
        }

        // The staged ingest commits without the subjects taken, and the chunks written say the same after a reload.
        store.Commit("ingest-3", state);
        await Task.WhenAll(removals.Select(removal => store.RewriteAsync(removal, state)));
        var reloaded = new RecordStore(storage, Shard);
        await reloaded.EnsureLoadedAsync(state, Slices);
        for (var slice = 0; slice < Slices; slice++)
        {
            var expected = held.Where(h => h.Slice == slice).Select(h => h.Record.Id).Order(StringComparer.Ordinal);
            Assert.Equal(expected, store.Rows[slice].Records().Select(r => r.Id));
            Assert.Equal(expected, reloaded.Rows[slice].Records().Select(r => r.Id));
        }
    }

    [Fact]
    public async Task A_subject_in_several_chunks_is_taken_from_each_and_a_subject_taken_twice_finds_nothing_the_second_time()
    {
        var (store, state, _) = await NewStoreAsync();
        for (var ingest = 0; ingest < 3; ingest++)
        {
            DataRecord[] records = [new($"a{ingest}", "alice", [ingest], 0), new($"b{ingest}", "bob", [ingest], 1)];
            await store.StageAsync($"i{ingest}", records, _ => ingest % Slices, state, () => Task.CompletedTask);
            store.Commit($"i{ingest}", state);
        }

        var first = store.TakeSubjects(["alice"]);
        var second = store.TakeSubjects(["alice"]);

        Assert.Equal(["a0", "a1", "a2"], first[0].Records.Select(r => r.Id).Order());
        Assert.Equal(3, first[0].Chunks.Count);
        Assert.Equal(0, first[0].FirstSlice);
        Assert.Empty(second[0].Records);
        Assert.Equal(["b0", "b1", "b2"], Enumerable.Range(0, Slices).SelectMany(s => store.Rows[s].Records()).Select(r => r.Id));
    }

    [Fact]
    public async Task The_subject_index_gives_back_its_growth_slack_after_an_ingest_and_a_load()
    {
        var (store, state, storage) = await NewStoreAsync();
        var records = Enumerable.Range(0, 3_000).Select(i => new DataRecord($"r{i:D5}", $"s{i:D5}", [i], i % 2)).ToArray();
        await store.StageAsync("big", records, r => r.Label, state, () => Task.CompletedTask);
        // Grown by doubling while staging: this much room is what the index would keep without compaction.
        Assert.True(store.SubjectIndexSize.Capacity > 1.25 * records.Length, $"staged: {store.SubjectIndexSize}");

        store.Commit("big", state);
        AssertTight(store.SubjectIndexSize);
        var reloaded = new RecordStore(storage, Shard);
        await reloaded.EnsureLoadedAsync(state, Slices);
        AssertTight(reloaded.SubjectIndexSize);
        Assert.All(records, r => Assert.Equal(1, reloaded.CountOf(r.Subject)));
        Assert.Equal(["r02999"], reloaded.TakeSubjects(["s02999"])[0].Records.Select(r => r.Id));
        Assert.Equal(0, reloaded.CountOf("s02999"));

        static void AssertTight((int Subjects, int Capacity) size)
        {
            Assert.Equal(3_000, size.Subjects);
            Assert.True(size.Capacity <= size.Subjects * 1.25 + 16, $"{size}");
        }
    }

    private static readonly GrainId Shard = GrainId.Create("shard", "model/0");

    private static async Task<(RecordStore Store, ShardState State, IGrainStorage Storage)> NewStoreAsync()
    {
        var storage = new ObjectGrainStorage();
        var state = new ShardState();
        var store = new RecordStore(storage, Shard);
        await store.EnsureLoadedAsync(state, Slices);
        return (store, state, storage);
    }

    /// <summary>Keeps each row's object as written (chunks are immutable), as a store that keeps objects would.</summary>
    private sealed class ObjectGrainStorage : IGrainStorage
    {
        private readonly Dictionary<(string, GrainId), object?> _rows = [];

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.RecordExists = _rows.TryGetValue((stateName, grainId), out var row);
            if (grainState.RecordExists) grainState.State = (T)row!;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _rows[(stateName, grainId)] = grainState.State;
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _rows.Remove((stateName, grainId));
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
    }
}
