namespace Unlearning.Tests.Chaos;

/// <summary>One step of a fault-injection schedule.</summary>
public abstract record ChaosStep
{
    /// <summary>Ingest the next <see cref="Size"/> records of the pool in one all-or-nothing call.</summary>
    public sealed record Ingest(int Size) : ChaosStep;

    /// <summary>
    /// Forget a subject the model holds (picked by <see cref="Pick"/> among the acknowledged ones; with
    /// <see cref="OnVictim"/>, among those whose shard lived on the silo killed last).
    /// </summary>
    public sealed record Forget(int Pick, bool OnVictim = false) : ChaosStep;

    /// <summary>Forget a subject and SIGKILL a silo while the forget is in flight (the one hosting most shards when <see cref="Pick"/> is -1).</summary>
    public sealed record ForgetWhileKilling(int Pick, int Silo) : ChaosStep;

    /// <summary>SIGKILL a live silo (the one hosting most shards when -1), if another stays.</summary>
    public sealed record Kill(int Silo) : ChaosStep;

    /// <summary>Start a silo in place of a killed one.</summary>
    public sealed record Restart : ChaosStep;

    public sealed record Pause(int Milliseconds) : ChaosStep;
}

/// <summary>A model's shape and the steps run against it, reproducible from a seed.</summary>
public sealed record ChaosSchedule(string Name, int Shards, int Slices, int InitialRecords, IReadOnlyList<ChaosStep> Steps)
{
    public override string ToString() =>
        $"{Name}: S={Shards} R={Slices}, {InitialRecords} records first, then {string.Join(", ", Steps.Select(Describe))}";

    private static string Describe(ChaosStep step) => step switch
    {
        ChaosStep.Ingest i => $"ingest {i.Size}",
        ChaosStep.Forget f => $"forget #{f.Pick}{(f.OnVictim ? " on the victim" : "")}",
        ChaosStep.ForgetWhileKilling f => $"forget #{f.Pick} + kill {(f.Silo < 0 ? "busiest" : $"#{f.Silo}")}",
        ChaosStep.Kill k => $"kill {(k.Silo < 0 ? "busiest" : $"#{k.Silo}")}",
        ChaosStep.Restart => "restart",
        ChaosStep.Pause p => $"pause {p.Milliseconds} ms",
        _ => step.ToString(),
    };

    /// <summary>
    /// The operator's failover case (issue "Failover without silent damage"): 16 shards, predictions and forgets
    /// streaming, and the silo hosting the most shards SIGKILLed while a forget is in flight.
    /// </summary>
    public static ChaosSchedule Failover()
    {
        var steps = new List<ChaosStep>();
        for (var i = 0; i < 8; i++) steps.Add(new ChaosStep.Forget(i));
        steps.Add(new ChaosStep.ForgetWhileKilling(8, -1));
        // Forgets for the dead silo's shards, sent before it is declared dead, fail and leave those shards excluded;
        // nothing is forgotten afterwards, so only the model asking them again brings them back.
        for (var i = 9; i < 15; i++) steps.Add(new ChaosStep.Forget(i, OnVictim: true));
        steps.Add(new ChaosStep.Pause(3000));
        steps.Add(new ChaosStep.Restart());
        return new ChaosSchedule("failover", 16, 4, 360, steps);
    }

    /// <summary>A random schedule: ingests, forgets, kills and restarts in a seeded order.</summary>
    public static ChaosSchedule Random(int seed)
    {
        var random = new System.Random(seed);
        var steps = new List<ChaosStep>();
        var count = random.Next(10, 18);
        for (var i = 0; i < count; i++)
        {
            steps.Add(random.Next(100) switch
            {
                < 30 => new ChaosStep.Ingest(random.Next(5, 30)),
                < 60 => new ChaosStep.Forget(random.Next(1000)),
                < 70 => new ChaosStep.ForgetWhileKilling(random.Next(1000), random.Next(2) == 0 ? -1 : random.Next(3)),
                < 80 => new ChaosStep.Kill(random.Next(2) == 0 ? -1 : random.Next(3)),
                < 90 => new ChaosStep.Restart(),
                _ => new ChaosStep.Pause(random.Next(100, 1500)),
            });
        }
        int[] shards = [2, 4, 8];
        int[] slices = [1, 2, 4];
        return new ChaosSchedule($"seed {seed}", shards[random.Next(shards.Length)], slices[random.Next(slices.Length)], random.Next(150, 300), steps);
    }
}
