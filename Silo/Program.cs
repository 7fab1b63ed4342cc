using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Unlearning.Silo;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddCommandLine(args, SiloOptions.SwitchMappings);
var options = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
builder.UseOrleans(silo => silo.ConfigureUnlearningSilo(options, builder.Configuration));

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Silo ready: cluster '{options.ClusterId}', clients connect to localhost:{options.GatewayPort}. Ctrl+C stops it.");
await host.WaitForShutdownAsync();
