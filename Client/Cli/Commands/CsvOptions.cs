using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

/// <summary>The limits on a CSV file's fields and records, on every command that reads one; each command gets its own instances.</summary>
internal sealed class CsvOptions
{
    public Option<int> MaxFieldLength { get; } = Limit("--max-field-length", CsvLimits.DefaultMaxFieldLength,
        "The longest field a CSV file may have, in characters");

    public Option<int> MaxLineLength { get; } = Limit("--max-line-length", CsvLimits.DefaultMaxRecordLength,
        "The longest record a CSV file may have, in characters (a quoted field's line breaks included)");

    public void AddTo(Command command)
    {
        command.Add(MaxFieldLength);
        command.Add(MaxLineLength);
    }

    public CsvLimits Limits(ParseResult parse) => CsvLimits.Default with
    {
        MaxFieldLength = parse.GetValue(MaxFieldLength),
        MaxRecordLength = parse.GetValue(MaxLineLength),
    };

    private static Option<int> Limit(string name, int defaultValue, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => OptionParsing.Integer(result, name, $"an integer from 1 to {CsvLimits.MaxLimit}", CsvLimits.IsValid),
    };
}
