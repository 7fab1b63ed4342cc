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
            if (result.Tokens.Count == 0) return; // an optional model (forget --all-models)
            var name = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(name))
            {
                result.AddError("the model name must not be empty");
            }
            else if (!ModelLimits.IsValidName(name))
            {
                result.AddError($"invalid model name {Quoted.Value(name)}: use {ModelLimits.NameRule}");
            }
        });
        return model;
    }

    public static Argument<string> File(string description) => new("file") { Description = description };
}
