using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Polly;
using Polly.Registry;
using Unlearning.Client;
using Unlearning.Client.Calls;
using Unlearning.Client.Hosting;

// The namespace where services are registered, so that AddUnlearningClient shows up without another using.
#pragma warning disable IDE0130 // Namespace does not match folder structure
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers <see cref="IUnlearningClient"/> with the Orleans client it runs on.</summary>
public static class UnlearningClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds an Orleans client for the cluster that <paramref name="configure"/> names (started and stopped with the host),
    /// the reads' resilience pipeline (Microsoft.Extensions.Resilience: its retries are logged and metered), and a singleton
    /// <see cref="IUnlearningClient"/>. The options are read and checked at once: a bad setting fails here, naming it.
    /// A host has one Orleans client: do not add another with <c>UseOrleansClient</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddUnlearningClient(options =>
    /// {
    ///     options.Gateways = ["silo-0.unlearning:30000", "silo-1.unlearning:30000"];
    ///     options.Token = builder.Configuration["Unlearning:Token"];
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddUnlearningClient(this IServiceCollection services, Action<UnlearningClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new UnlearningClientOptions();
        configure(options);
        options.Validate();

        var watch = new ConnectionWatch();
        services.AddOrleansClient(client => OrleansClientSetup.Configure(client, options, watch));
        services.TryAddSingleton(TimeProvider.System);
        services.AddResilienceEnricher();
        services.AddResiliencePipeline(ReadPipeline.Name, (builder, context) =>
            ReadPipeline.Configure(builder, options.Resilience, context.ServiceProvider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUnlearningClient>(provider => new UnlearningClient(
            new HostedClusterAccess(provider.GetRequiredService<IClusterClient>(), watch, Where(options)),
            new CallPolicy(provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ReadPipeline.Name), options.Resilience,
                provider.GetRequiredService<TimeProvider>())));
        return services;
    }

    private static string Where(UnlearningClientOptions options) => string.IsNullOrWhiteSpace(options.PostgresConnectionString)
        ? $"at {(options.GatewayAddresses() is [var one] ? "gateway" : "gateways")} {string.Join(", ", options.GatewayAddresses())}"
        : $"through the PostgreSQL membership table ({PostgresConnectionString.Redact(options.PostgresConnectionString)})";
}
