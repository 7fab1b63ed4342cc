using System.Diagnostics;
using Unlearning.Silo;
using Unlearning.Silo.Kubernetes;
using Unlearning.Silo.Management;
using Unlearning.Silo.Security;
using Unlearning.Silo.Storage;

if (SiloHelp.Requested(args))
{
    Console.WriteLine(SiloHelp.Text);
    return 0;
}

var started = Stopwatch.StartNew();
// --install-schema: create or update the database schema and exit (silos also do it at start-up).
var installOnly = args.Contains("--install-schema");
args = [.. args.Where(a => a != "--install-schema")];

var (builder, web) = SiloHost.CreateBuilder(args);
var options = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
var storage = SiloConfiguration.StorageFrom(builder.Configuration);
var management = builder.Configuration.GetSection(ManagementSettings.Section).Get<ManagementSettings>() ?? new ManagementSettings();
var telemetry = builder.Configuration.GetSection(TelemetrySettings.Section).Get<TelemetrySettings>() ?? new TelemetrySettings();
try
{
    options = KubernetesHosting.Apply(options, Environment.GetEnvironmentVariable);
    management.Validate();
    telemetry.Validate();
}
catch (InvalidOperationException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 2;
}
if (installOnly)
{
    await SchemaInstaller.InstallAsync(storage.Validated());
    Console.WriteLine($"Schema installed in {started.ElapsedMilliseconds} ms.");
    return 0;
}

// Before anything is bound or connected: a silo that would be reachable from the network without TLS and tokens stops here.
var securityOptions = SiloConfiguration.SecurityFrom(builder.Configuration);
var security = StartupSecurity.Decide(options, securityOptions, web.Dashboard, web.Http);
if (security.Refused)
{
    Console.Error.WriteLine($"error: {security.Refusal}");
    return 2;
}
Console.WriteLine(security.Line);
Console.WriteLine($"Storage: {storage.Describe()}");

// Before the silo, so that the management listener answers liveness while the silo joins.
builder.Services.AddUnlearningObservability(management, telemetry, Environment.GetEnvironmentVariable);

builder.UseOrleans(silo => silo.ConfigureUnlearningSilo(options, builder.Configuration, web.Dashboard));

using var host = SiloHost.Build(builder, web, options, securityOptions);
await host.StartAsync();
if (web.Dashboard.Enabled) Console.WriteLine($"Dashboard: {web.Dashboard.Url}");
if (web.Http.Enabled)
{
    var api = $"{(securityOptions.IsSecure ? "https" : "http")}://{web.Http.UrlHost(options)}:{web.Http.Port}";
    Console.WriteLine($"HTTP API: {api}/v1/models/{{model}} (OpenAPI: {api}/openapi/v1.json{(securityOptions.IsSecure ? "; bearer tokens" : "")})");
}
if (management.Enabled) Console.WriteLine($"Management: {management.ListenUrl} ({ManagementSettings.MetricsPath}, {ManagementSettings.LivePath}, {ManagementSettings.ReadyPath})");
Console.WriteLine($"Silo ready in {started.ElapsedMilliseconds} ms (pid {Environment.ProcessId}): cluster '{options.ClusterId}', silo port {options.SiloPort}, " +
    $"clients connect to {options.AdvertisedAddress}:{options.GatewayPort}{(options.Rebalance ? ", rebalancing activations" : "")}. Ctrl+C stops it.");
await host.WaitForShutdownAsync();
return 0;
