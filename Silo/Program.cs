using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Unlearning.Silo;
using Unlearning.Silo.Storage;

var started = Stopwatch.StartNew();
// --install-schema: create or update the database schema and exit (silos also do it at start-up).
var installOnly = args.Contains("--install-schema");
args = [.. args.Where(a => a != "--install-schema")];

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SiloOptions.SwitchMappings.Concat(StorageOptions.SwitchMappings)));
var options = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
var storage = SiloConfiguration.StorageFrom(builder.Configuration);
Console.WriteLine($"Storage: {storage.Describe()}");

if (installOnly)
{
    await SchemaInstaller.InstallAsync(storage.Validated());
    Console.WriteLine($"Schema installed in {started.ElapsedMilliseconds} ms.");
    return 0;
}

builder.UseOrleans(silo => silo.ConfigureUnlearningSilo(options, builder.Configuration));

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Silo ready in {started.ElapsedMilliseconds} ms: cluster '{options.ClusterId}', silo port {options.SiloPort}, " +
    $"clients connect to {options.AdvertisedAddress}:{options.GatewayPort}. Ctrl+C stops it.");
await host.WaitForShutdownAsync();
return 0;
