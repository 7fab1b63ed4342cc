using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using Unlearning.Silo;
using Unlearning.Silo.Kubernetes;
using SiloOptions = Unlearning.Silo.SiloOptions;

namespace Unlearning.Tests.Hosting;

/// <summary>
/// What <c>--kubernetes</c> sets: the silo's options from the pod's environment, and the Orleans options that Kubernetes
/// hosting derives from it (silo name, advertised address, cluster id, namespace), on a silo host built but not started
/// (no Kubernetes API here).
/// </summary>
public sealed class KubernetesHostingTests
{
    private static readonly Dictionary<string, string> Pod = new()
    {
        ["POD_IP"] = "10.1.2.3",
        ["POD_NAME"] = "unlearning-silo-2",
        ["POD_NAMESPACE"] = "unlearning",
        ["ORLEANS_CLUSTER_ID"] = "prod-eu",
        ["ORLEANS_SERVICE_ID"] = "unlearning",
    };

    [Fact]
    public void The_pod_environment_gives_the_address_and_cluster_id()
    {
        var options = KubernetesHosting.Apply(new SiloOptions { Kubernetes = true, SiloPort = 11111, GatewayPort = 30000, Rebalance = true },
            name => Pod.GetValueOrDefault(name));

        Assert.Equal("10.1.2.3", options.AdvertisedAddress);
        Assert.Equal("prod-eu", options.ClusterId);
        Assert.Equal("unlearning", options.ServiceId);
        Assert.Equal((11111, 30000, true, true), (options.SiloPort, options.GatewayPort, options.Rebalance, options.Kubernetes));
    }

    [Fact]
    public void Without_the_switch_nothing_changes()
    {
        var options = new SiloOptions { ClusterId = "mine" };
        Assert.Same(options, KubernetesHosting.Apply(options, name => Pod.GetValueOrDefault(name)));
    }

    [Theory]
    [InlineData("POD_NAME")]
    [InlineData("POD_IP")]
    [InlineData("POD_NAMESPACE")]
    public void A_missing_pod_variable_is_named(string missing)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KubernetesHosting.Apply(new SiloOptions { Kubernetes = true }, name => name == missing ? null : Pod.GetValueOrDefault(name)));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void A_pod_ip_that_is_no_address_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KubernetesHosting.Apply(new SiloOptions { Kubernetes = true }, name => name == "POD_IP" ? "not-an-ip" : Pod.GetValueOrDefault(name)));
        Assert.Contains("POD_IP", error.Message);
    }

    [Fact]
    public void Storage_other_than_PostgreSQL_is_refused()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Memory" }).Build();
        var error = Assert.Throws<InvalidOperationException>(() =>
            builder.UseOrleans(silo => silo.ConfigureUnlearningSilo(new SiloOptions { Kubernetes = true }, configuration)));
        Assert.Contains("PostgreSQL", error.Message);
    }

    [Fact]
    public void Orleans_takes_the_silo_name_address_cluster_and_namespace_from_the_pod()
    {
        // Orleans' Kubernetes hosting reads the process environment itself; nothing else in these tests reads these names.
        foreach (var (name, value) in Pod) Environment.SetEnvironmentVariable(name, value);
        try
        {
            var options = KubernetesHosting.Apply(new SiloOptions { Kubernetes = true }, Environment.GetEnvironmentVariable);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
                ["Security:Insecure"] = "true",
            }).Build();
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.UseOrleans(silo => silo.ConfigureUnlearningSilo(options, configuration));
            using var host = builder.Build();
            var services = host.Services;

            Assert.Equal("unlearning-silo-2", services.GetRequiredService<IOptions<Orleans.Configuration.SiloOptions>>().Value.SiloName);
            var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(IPAddress.Parse("10.1.2.3"), endpoints.AdvertisedIPAddress);
            Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint?.Address);
            Assert.Equal(IPAddress.Any, endpoints.GatewayListeningEndpoint?.Address);
            var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
            Assert.Equal(("prod-eu", "unlearning"), (cluster.ClusterId, cluster.ServiceId));
            // The agent that watches the cluster's pods and deletes those of dead silos takes part in the silo's lifecycle.
            Assert.Contains(builder.Services, service => service.ServiceType == typeof(KubernetesClusterAgent) || service.ImplementationType == typeof(KubernetesClusterAgent));
        }
        finally
        {
            foreach (var name in Pod.Keys) Environment.SetEnvironmentVariable(name, null);
        }
    }
}
