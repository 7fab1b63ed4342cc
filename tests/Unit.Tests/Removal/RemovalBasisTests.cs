using Unlearning.Algebra;
using Unlearning.Learning;
using Unlearning.Removal;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Removal;

public sealed class RemovalBasisTests(ITestOutputHelper output)
{
    private const ulong Seed = 0xBA515;
    private static readonly CertificationSettings Roomy = new(lambda: 1e-2, sigma: 10, epsilon: 1, delta: 1e-4);

    public static TheoryData<string, int[]> Removals => new()
    {
        { "wdbc", [0] },
        { "wdbc", [3, 77, 150, 222, 301] },
        { "wdbc", [454] },
        { "blobs", [0] },
        { "blobs", [5, 100, 239] },
    };

    private static TrainingSet Data(string name) => name == "wdbc"
        ? WdbcTransform().Apply(WdbcSplit().Train)
        : new UnitBallTransform(4, centre: null, scale: [2, 2, 2, 2], intercept: true).Apply(ThreeBlobs(240, seed: 4));

    [Theory]
    [MemberData(nameof(Removals))]
    public void A_removal_from_the_basis_is_the_direct_newton_step_with_a_bound_above_the_true_residual(string data, int[] removedRows)
    {
        var rows = Data(data);
        var model = CertifiedTrainer.Fit(rows, Roomy, Seed).Model;
        var (remaining, removed) = Without(rows, removedRows);

        var outcome = CertifiedRemoval.Remove(RemovalBasis.Compute(model, rows), removedRows, model.NoiseSeed);

        Assert.False(outcome.BudgetExhausted);
        Assert.Equal(remaining.Rows, outcome.Model.Rows);
        for (var m = 0; m < model.BinaryModelCount; m++)
        {
            var positive = OneVsRest.PositiveClassOf(m, model.ClassCount);
            var w = model.Weights[m];
            // Delta = k lambda w + sum_R grad l_j(w) is the gradient of the noiseless objective on the removed rows.
            var delta = new double[w.Length];
            new PerturbedLogisticObjective(removed, positive, Roomy.Lambda, new double[w.Length]).Evaluate(w, delta);
            var hessian = new PerturbedLogisticObjective(remaining, positive, Roomy.Lambda, model.Noise(m)).Hessian(w);
            var step = Cholesky.Factor(hessian, w.Length).Solve(delta);
            var direct = w.Zip(step, (a, b) => a + b).ToArray();

            var difference = Norm(direct.Zip(outcome.Model.Weights[m], (a, b) => a - b).ToArray());
            output.WriteLine($"{data} model {m}: |w' basis - w' direct| {difference:E2}, |step| {Norm(step):E2}, |w'| {Norm(direct):E2}");
            Assert.True(difference <= 1e-9 * Norm(direct), $"the basis step is {difference} away from the direct one");

            var residual = TrueResidual(outcome.Model, remaining, m);
            Assert.True(residual <= outcome.Model.ResidualBounds[m], $"true residual {residual} above the bound {outcome.Model.ResidualBounds[m]}");
            // The bound is at least the one computed from the remaining rows themselves (their exact |X' step|), and only
            // a little looser: |X|_2 and max |x_i| over all the rows exceed those over the remaining ones by about k/n.
            var image = Math.Sqrt(Enumerable.Range(0, remaining.Rows).Sum(i => Math.Pow(Dot(remaining.Row(i), step), 2)));
            var rowNorm = Enumerable.Range(0, remaining.Rows).Max(i => Norm(remaining.Row(i)));
            var fromRemaining = LogisticLoss.CurvatureLipschitz * rowNorm * SpectralNorm.UpperBound(remaining) * Norm(step) * image;
            Assert.True(outcome.StepBounds[m] >= fromRemaining * (1 - 1e-9), $"step bound {outcome.StepBounds[m]} below {fromRemaining}");
            Assert.True(outcome.StepBounds[m] <= fromRemaining * (1 + 2.0 * removedRows.Length / rows.Rows), $"step bound {outcome.StepBounds[m]} loose against {fromRemaining}");
        }
    }

    [Fact]
    public void The_basis_curvature_and_gram_are_the_sums_over_its_rows()
    {
        var rows = Data("blobs");
        var model = CertifiedTrainer.Fit(rows, Roomy, Seed).Model;
        var basis = RemovalBasis.Compute(model, rows);
        var d = rows.FeatureCount;
        for (var m = 0; m < model.BinaryModelCount; m++)
        {
            // The objective's Hessian is the same sum plus lambda n on the diagonal.
            var hessian = new PerturbedLogisticObjective(rows, OneVsRest.PositiveClassOf(m, model.ClassCount), Roomy.Lambda, model.Noise(m)).Hessian(model.Weights[m]);
            var curvature = basis.Curvature(m).ToArray();
            for (var j = 0; j < d * d; j++)
            {
                var expected = hessian[j] - (j % (d + 1) == 0 ? Roomy.Lambda * rows.Rows : 0);
                Assert.True(Math.Abs(curvature[j] - expected) <= 1e-12 * hessian.Max(Math.Abs), $"entry {j}: {curvature[j]} for {expected}");
            }
        }
        for (var j = 0; j < d; j++)
        {
            for (var k = 0; k < d; k++)
                Assert.Equal(Enumerable.Range(0, rows.Rows).Sum(i => rows.Row(i)[j] * rows.Row(i)[k]), basis.Gram[j * d + k], 12);
        }

        Assert.Equal(SpectralNorm.UpperBound(rows), basis.DataNorm);
        Assert.Equal(Enumerable.Range(0, rows.Rows).Max(i => Norm(rows.Row(i))), basis.MaxRowNorm);
    }

    [Fact]
    public void Without_keeps_the_other_rows_in_order_and_an_exhausted_budget_retrains_on_them()
    {
        var rows = Data("wdbc");
        var tight = new CertificationSettings(lambda: 1e-3, sigma: 1, epsilon: 1e-9, delta: 1e-4);
        var model = CertifiedTrainer.Fit(rows, tight, Seed).Model;
        int[] removed = [0, 10, 11, 454];
        var (remaining, _) = Without(rows, removed);
        var basis = RemovalBasis.Compute(model, rows);

        var kept = basis.Without(removed);
        Assert.Equal(Bits(remaining.Features), Bits(kept.Features));
        Assert.Equal(remaining.Labels, kept.Labels);

        var outcome = CertifiedRemoval.Remove(basis, removed, model.NoiseSeed);
        Assert.True(outcome.BudgetExhausted);
        Assert.Equal(Bits(CertifiedTrainer.Fit(remaining, tight, Seed).Model.Weights[0]), Bits(outcome.Model.Weights[0]));
    }

    [Fact]
    public void Removed_rows_must_be_distinct_ascending_rows_of_the_basis_and_leave_one()
    {
        var rows = new UnitBallTransform(4, null, null, intercept: false).Apply(ThreeBlobs(30, seed: 1));
        var model = CertifiedTrainer.Fit(rows, Roomy, Seed).Model;
        var basis = RemovalBasis.Compute(model, rows);
        Assert.Throws<ArgumentException>(() => CertifiedRemoval.Remove(basis, [4, 2], model.NoiseSeed));
        Assert.Throws<ArgumentException>(() => CertifiedRemoval.Remove(basis, [2, 2], model.NoiseSeed));
        Assert.Throws<ArgumentOutOfRangeException>(() => CertifiedRemoval.Remove(basis, [30], model.NoiseSeed));
        Assert.Throws<ArgumentException>(() => CertifiedRemoval.Remove(basis, [.. Enumerable.Range(0, 30)], model.NoiseSeed));
        Assert.Throws<ArgumentException>(() => RemovalBasis.Compute(model, Subset(rows, [.. Enumerable.Range(1, 29)])));
        Assert.Same(model, CertifiedRemoval.Remove(basis, [], model.NoiseSeed).Model);
    }

    private static double TrueResidual(CertifiedModel model, TrainingSet rows, int binaryModel)
    {
        var objective = new PerturbedLogisticObjective(rows, OneVsRest.PositiveClassOf(binaryModel, model.ClassCount), model.Settings.Lambda, model.Noise(binaryModel));
        var gradient = new double[model.Dimension];
        objective.Evaluate(model.Weights[binaryModel], gradient);
        return Norm(gradient);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
