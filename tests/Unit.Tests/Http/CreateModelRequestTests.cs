using Unlearning.Client;
using Unlearning.Client.Csv;
using Unlearning.Silo.Http;

namespace Unlearning.Tests.Http;

/// <summary>The HTTP API's create body read as the CLI reads create's options: the same defaults, the same refusals.</summary>
public sealed class CreateModelRequestTests
{
    private static ModelConfig Config(string json) =>
        CreateModelRequest.Parse(System.Text.Encoding.UTF8.GetBytes(json)).ToConfig("m", CsvLimits.Default);

    [Fact]
    public void An_exact_model_takes_the_cli_defaults()
    {
        var config = Config("""{"features": ["a", "b"], "labels": ["x", "y"]}""");

        Assert.Equal(UnlearningMethod.Exact, config.Method);
        Assert.Equal((ModelDefinition.DefaultShards, ModelDefinition.DefaultSlices, ModelConfig.DefaultLambda), (config.Shards, config.Slices, config.Lambda));
        Assert.Null(config.Certified);
    }

    [Fact]
    public void A_certified_model_without_sigma_is_calibrated_for_removals_and_chooses_lambda_unless_given()
    {
        var calibrated = Config("""{"features": ["a"], "labels": ["x", "y"], "unlearning": "certified", "epsilon": 1, "delta": 1e-5}""");
        var withLambda = Config("""{"features": ["a"], "labels": ["x", "y"], "unlearning": "certified", "epsilon": 1, "delta": 1e-5, "lambda": 0.01, "removals": 7}""");
        var withSigma = Config("""{"features": ["a"], "labels": ["x", "y"], "unlearning": "certified", "epsilon": 1, "delta": 1e-5, "sigma": 2}""");

        Assert.Equal((CertifiedOptions.DefaultRemovals, true, 0.0, 0.0), (calibrated.Certified!.Removals, calibrated.Certified.ChooseLambda, calibrated.Certified.Sigma, calibrated.Lambda));
        Assert.Equal(ModelDefinition.CertifiedSlices, calibrated.Slices);
        Assert.Equal((7, false, 0.01), (withLambda.Certified!.Removals, withLambda.Certified.ChooseLambda, withLambda.Lambda));
        Assert.Equal((0, false, 2.0), (withSigma.Certified!.Removals, withSigma.Certified.ChooseLambda, withSigma.Certified.Sigma));
    }

    [Theory]
    [InlineData("""{"features": ["a"], "labels": ["x"], "epsilon": 1}""", "epsilon applies only with \"unlearning\": \"certified\"")]
    [InlineData("""{"features": ["a"], "labels": ["x"], "unlearning": "certified", "epsilon": 1}""", "\"unlearning\": \"certified\" requires delta")]
    [InlineData("""{"features": ["a"], "labels": ["x"], "unlearning": "certified", "epsilon": 1, "delta": 0.1, "sigma": 1, "removals": 5}""", "removals and sigma exclude each other")]
    [InlineData("""{"features": ["a"], "labels": ["x"], "shards": 0}""", "shards must be an integer from 1 to")]
    [InlineData("""{"features": ["a"], "labels": ["x"], "lambda": -1}""", "lambda must be a finite number > 0")]
    [InlineData("""{"features": ["a"]}""", "give schema (CSV text")]
    public void Bad_options_are_refused_naming_the_option(string json, string message) =>
        Assert.StartsWith(message, Assert.Throws<ApiInputException>(() => Config(json)).Message);

    [Fact]
    public void An_unknown_property_is_an_error_not_ignored() =>
        Assert.Contains("shard", Assert.ThrowsAny<System.Text.Json.JsonException>(() => Config("""{"features": ["a"], "labels": ["x"], "shard": 2}""")).Message);
}
