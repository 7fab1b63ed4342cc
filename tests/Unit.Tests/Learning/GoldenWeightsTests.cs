using System.Buffers.Binary;
using System.Security.Cryptography;
using Unlearning.Learning;
using Unlearning.Removal;
using Unlearning.TestKit;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Learning;

/// <summary>
/// SHA-256 of the little-endian bytes of weights fitted on the shipped data, pinned: the same on every OS,
/// CPU and thread count, so a change of any weight's last bit anywhere fails here. A deliberate change of
/// the learner's arithmetic changes these digests too; then pin the new ones and say why in the commit.
/// </summary>
public sealed class GoldenWeightsTests
{
    private static readonly TrainerSettings Settings = new(ModelConfig.DefaultLambda, ModelConfig.DefaultMaxIterations);
    private static readonly CertificationSettings Certification = new(lambda: 1e-3, sigma: 1, epsilon: 1, delta: 1e-4);
    private const ulong NoiseSeed = 11;

    private static TrainingSet Wdbc()
    {
        var data = Dataset.Wdbc();
        return ToSet(data.Records, data.FeatureCount, data.ClassCount);
    }

    /// <summary>wdbc with the malignant rows split in two by mean radius (feature 0): a three-class set.</summary>
    private static TrainingSet WdbcThreeClasses()
    {
        var set = Wdbc();
        var labels = Enumerable.Range(0, set.Rows).Select(i => set.Labels[i] == 0 && set.Row(i)[0] >= 17 ? 2 : set.Labels[i]).ToArray();
        return new TrainingSet(set.Features, labels, set.FeatureCount, 3);
    }

    [Fact]
    public void Softmax_fit_on_wdbc()
    {
        var fit = SoftmaxTrainer.Fit(Wdbc(), Settings);
        AssertDigest("b946b3b3ad1b1ae310e0ca74b728407a17317b6ba32d189bc5c4db310ee8a3d9", fit.Weights);
    }

    [Fact]
    public void Three_class_fit_warm_started_over_slices_and_its_probabilities()
    {
        var set = WdbcThreeClasses();
        // As a shard trains: a prefix of the slices, then all of them warm-started from it.
        var cut = set.Rows / 3;
        TrainingSet Part(int from, int to) =>
            new(set.Features[(from * set.FeatureCount)..(to * set.FeatureCount)], set.Labels[from..to], set.FeatureCount, set.ClassCount);
        var first = SoftmaxTrainer.Fit(Part(0, cut), Settings);
        var fit = SoftmaxTrainer.Fit([Part(0, cut), Part(cut, set.Rows)], Settings, first.Weights);
        AssertDigest("f2a5aa6d71ab53d69dec03ca2d53b2359afe9938b3c63105f41469cf5606f3a6", fit.Weights);

        var probabilities = new double[set.Rows * set.ClassCount];
        for (var i = 0; i < set.Rows; i++)
            SoftmaxModel.Probabilities(fit.Weights, set.Row(i), probabilities.AsSpan(i * set.ClassCount, set.ClassCount));
        AssertDigest("847a9b96e6ac9c7e64e49127a5e20065872de040398d2ba824a152a7566257db", probabilities);
    }

    [Fact]
    public void Certified_fit_on_wdbc_and_a_removal_from_it()
    {
        var rows = WdbcTransform().Apply(Wdbc());
        var model = CertifiedTrainer.Fit(rows, Certification, NoiseSeed).Model;
        AssertDigest("16ca3789231b42c44ca5657833ad67aec5915fb4203b282e0485124921ace8ed", [.. model.Weights.SelectMany(w => w), .. model.ResidualBounds, model.Budget]);

        var outcome = CertifiedRemoval.Remove(RemovalBasis.Compute(model, rows), [3, 141, 400], model.NoiseSeed);
        Assert.False(outcome.BudgetExhausted);
        AssertDigest("fad50a4ef92f9865cdbce73bcbe6b6283eb79e7178402968c96f9685103c6cca", [.. outcome.Model.Weights.SelectMany(w => w), .. outcome.StepBounds, .. outcome.Model.ResidualBounds]);
    }

    private static void AssertDigest(string expected, IReadOnlyList<double> values)
    {
        var bytes = new byte[values.Count * sizeof(double)];
        for (var i = 0; i < values.Count; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.True(expected == actual,
            $"SHA-256 {actual}, pinned {expected}; first values {string.Join(", ", values.Take(4).Select(v => v.ToString("R")))}");
    }
}
