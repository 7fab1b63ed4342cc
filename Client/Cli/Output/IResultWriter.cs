using Unlearning.Client.Security;

namespace Unlearning.Cli.Output;

/// <summary>Writes each command's result to stdout, for people or for machines.</summary>
internal interface IResultWriter
{
    void Created(ModelConfig config);

    void Ingested(string model, int accepted, long totalRecords);

    void Trained(TrainResult result);

    /// <summary><paramref name="predictions"/>[i] answers row <paramref name="ids"/>[i].</summary>
    void Predicted(ModelConfig config, IReadOnlyList<string> ids, IReadOnlyList<Prediction> predictions);

    void Evaluated(EvaluationResult result);

    void Forgot(ForgetReceipt receipt);

    /// <summary>A forget dry run; <paramref name="estimate"/>'s Before[i] and After[i] answer probe row <paramref name="ids"/>[i].</summary>
    void EstimatedForget(ModelConfig config, IReadOnlyList<string> ids, ForgetEstimate estimate);

    /// <summary><paramref name="explanations"/>[i] explains row <paramref name="ids"/>[i].</summary>
    void Explained(ModelConfig config, IReadOnlyList<string> ids, IReadOnlyList<Explanation> explanations);

    void Status(ModelStatus status);

    /// <summary>dev-setup wrote its files; people also get the options that use them.</summary>
    void DevSetup(DevSetupResult result);

    /// <summary>A signed token; for people, the token alone on one line, so that scripts can capture it.</summary>
    void Token(IssuedToken token);
}
