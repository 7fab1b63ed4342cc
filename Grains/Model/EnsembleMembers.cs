using Unlearning.Learning;
using Unlearning.Removal;

namespace Unlearning.Model;

/// <summary>Turns the weights a shard serves into the classifier the ensemble runs, by the model's method.</summary>
internal static class EnsembleMembers
{
    public static IClassifier? Create(ModelConfig config, double[]? weights) => weights is null
        ? null
        : config.Method == UnlearningMethod.Certified
            ? new CertifiedClassifier(CertifiedConfig.Transform(config), config.ClassCount, weights)
            : new SoftmaxClassifier(weights);
}
