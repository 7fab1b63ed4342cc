using System.CommandLine;

namespace Unlearning.Cli.Commands;

/// <summary>Arguments several commands take; each command gets its own instances.</summary>
internal static class CommandArguments
{
    public static Argument<string> Model()
    {
        var model = new Argument<string>("model") { Description = "The model's name" };
        model.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("the model name must not be empty");
            }
        });
        return model;
    }

    public static Argument<string> File(string description) => new("file") { Description = description };
}
