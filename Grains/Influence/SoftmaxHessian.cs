using Unlearning.Learning;

namespace Unlearning.Influence;

/// <summary>
/// The Hessian of <see cref="SoftmaxObjective"/> at fixed parameters, over the standardised rows it was
/// minimised on: H = (1/n) sum_i (diag p_i - p_i p_i^T) (x) (x_i, 1)(x_i, 1)^T + lambda (on weights, not biases).
/// Adding one constant to every class's bias changes no probability, so H is singular along that
/// direction u; a gauge term (alpha / K) u u^T makes it positive definite without changing H^-1 v for
/// any v orthogonal to u, which every loss gradient is (its bias entries are p_c - [c = y], summing to 0).
/// </summary>
internal sealed class SoftmaxHessian
{
    private readonly double[] _rows;
    private readonly double[] _probabilities;
    private readonly int _n;

    public SoftmaxHessian(double[] standardizedRows, int featureCount, int classCount, double lambda, double[] parameters)
    {
        _rows = standardizedRows;
        Features = featureCount;
        Classes = classCount;
        Lambda = lambda;
        _n = standardizedRows.Length / featureCount;
        _probabilities = new double[_n * classCount];
        for (var i = 0; i < _n; i++)
            SoftmaxModel.Probabilities(parameters, Row(i), _probabilities.AsSpan(i * classCount, classCount));
        GaugeWeight = Math.Max(DataTrace() / ParameterCount + lambda * featureCount * classCount / ParameterCount, lambda);
    }

    public int Features { get; }
    public int Classes { get; }
    public double Lambda { get; }
    public int ParameterCount => Classes * (Features + 1);

    /// <summary>The curvature alpha given to the bias gauge direction: the Hessian's mean eigenvalue, so conditioning is unharmed.</summary>
    public double GaugeWeight { get; }

    public ReadOnlySpan<double> Row(int i) => _rows.AsSpan(i * Features, Features);

    /// <summary>p(x_i) at the parameters the Hessian was taken at.</summary>
    public ReadOnlySpan<double> Probabilities(int i) => _probabilities.AsSpan(i * Classes, Classes);

    /// <summary>result = H v, in one pass over the rows.</summary>
    public void Multiply(ReadOnlySpan<double> v, Span<double> result)
    {
        int d = Features, k = Classes, stride = d + 1;
        result.Clear();
        Span<double> scores = k <= 64 ? stackalloc double[k] : new double[k];
        for (var i = 0; i < _n; i++)
        {
            var row = Row(i);
            var p = Probabilities(i);
            var mean = 0.0;
            for (var c = 0; c < k; c++)
            {
                var block = v.Slice(c * stride, stride);
                var s = block[d];
                for (var j = 0; j < d; j++) s += block[j] * row[j];
                scores[c] = s;
                mean += p[c] * s;
            }
            for (var c = 0; c < k; c++)
            {
                var weight = p[c] * (scores[c] - mean);
                var block = result.Slice(c * stride, stride);
                for (var j = 0; j < d; j++) block[j] += weight * row[j];
                block[d] += weight;
            }
        }
        var biasSum = 0.0;
        for (var c = 0; c < k; c++) biasSum += v[c * stride + d];
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < stride; j++)
            {
                var index = c * stride + j;
                result[index] /= _n;
                result[index] += j < d ? Lambda * v[index] : GaugeWeight / k * biasSum;
            }
        }
    }

    /// <summary>H as a dense row-major matrix (ParameterCount squared values).</summary>
    public double[] Dense()
    {
        int d = Features, k = Classes, stride = d + 1, size = ParameterCount;
        var h = new double[size * size];
        Span<double> extended = stride <= 256 ? stackalloc double[stride] : new double[stride];
        extended[d] = 1;
        for (var i = 0; i < _n; i++)
        {
            Row(i).CopyTo(extended);
            var p = Probabilities(i);
            for (var c = 0; c < k; c++)
            {
                for (var c2 = c; c2 < k; c2++)
                {
                    var coupling = (c == c2 ? p[c] : 0.0) - p[c] * p[c2];
                    if (coupling == 0) continue;
                    for (var j = 0; j < stride; j++)
                    {
                        var scaled = coupling * extended[j];
                        var target = h.AsSpan((c * stride + j) * size + c2 * stride, stride);
                        for (var l = 0; l < stride; l++) target[l] += scaled * extended[l];
                    }
                }
            }
        }
        for (var r = 0; r < size; r++)
        {
            for (var col = 0; col < size; col++)
            {
                if (col / stride < r / stride) h[r * size + col] = h[col * size + r];
                else h[r * size + col] /= _n;
            }
        }
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < d; j++) h[(c * stride + j) * size + c * stride + j] += Lambda;
            for (var c2 = 0; c2 < k; c2++) h[(c * stride + d) * size + c2 * stride + d] += GaugeWeight / k;
        }
        return h;
    }

    private double DataTrace()
    {
        var trace = 0.0;
        for (var i = 0; i < _n; i++)
        {
            var row = Row(i);
            var squared = 1.0;
            for (var j = 0; j < row.Length; j++) squared += row[j] * row[j];
            var p = Probabilities(i);
            for (var c = 0; c < Classes; c++) trace += p[c] * (1 - p[c]) * squared;
        }
        return _n > 0 ? trace / _n : 0.0;
    }
}
