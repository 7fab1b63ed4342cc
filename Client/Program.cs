using Unlearning.Client;

return await Cli.RunAsync(args, Console.Out, Console.Error);
