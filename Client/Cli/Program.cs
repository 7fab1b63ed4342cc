using Unlearning.Cli;

return await Unlearn.RunAsync(args, Console.Out, Console.Error);
