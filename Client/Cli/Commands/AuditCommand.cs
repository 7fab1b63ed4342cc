using System.CommandLine;

namespace Unlearning.Cli.Commands;

/// <summary>
/// <c>unlearn audit</c>: the cluster's audit log, for auditors. <c>--subject X</c>: what the log says about X (the cluster
/// hashes X with its subject keys; the keys never leave it); <c>--verify</c>: walk the chain as stored; neither: the last
/// entries (or <c>--from N</c> on).
/// </summary>
internal static class AuditCommand
{
    public const int DefaultCount = 100;

    public static Command Create(CliContext cli)
    {
        var subject = new Option<string>("--subject")
        {
            Description = "What the log says about this data subject: whether, when and from which models it was forgotten, under which request",
            HelpName = "SUBJECT",
        };
        subject.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (string.IsNullOrEmpty(text)) result.AddError("--subject must not be empty");
            else if (!ModelLimits.IsValidId(text)) result.AddError($"--subject must have at most {ModelLimits.MaxIdLength} characters");
        });
        var verify = new Option<bool>("--verify")
        {
            Description = "Walk the hash chain as stored; exit 1 naming the first entry altered, removed or reordered",
        };
        var from = new Option<long>("--from")
        {
            Description = "List entries from this sequence number on (the first is 1); default: the last ones",
            HelpName = "N",
        };
        var count = new Option<int>("--count")
        {
            Description = $"How many entries to list, 1 to {AuditLimits.MaxPage}",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultCount,
        };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > AuditLimits.MaxPage)
                result.AddError($"--count must be 1 to {AuditLimits.MaxPage}");
        });
        from.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 1) result.AddError("--from must be a sequence number, 1 or more");
        });
        var command = new Command("audit", "Read the cluster's audit log (auditors): a subject's forgets, the chain's integrity, or its entries")
        {
            subject, verify, from, count,
        };
        command.Validators.Add(result =>
        {
            var modes = new[] { result.GetResult(subject), result.GetResult(verify), result.GetResult(from) }.Count(r => r is not null);
            if (modes > 1) result.AddError("--subject, --verify and --from are alternatives: give one of them");
        });
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            if (parse.GetValue(subject) is { } id)
            {
                invocation.Output.SubjectAudited(await invocation.Client.FindSubjectInAuditLogAsync(id, ct));
            }
            else if (parse.GetValue(verify))
            {
                var verification = await invocation.Client.VerifyAuditLogAsync(ct);
                invocation.Output.AuditVerified(verification);
                if (!verification.Intact)
                    throw new AuditChainBrokenException($"audit log entry {verification.FirstBad}: {verification.Problem}");
            }
            else
            {
                var start = parse.GetResult(from) is null ? 0 : parse.GetValue(from);
                var page = await invocation.Client.ReadAuditLogAsync(start, parse.GetValue(count), ct);
                invocation.Output.AuditListed(page);
            }
        }));
        return command;
    }
}

/// <summary>The audit log's chain is broken: the message names the first bad entry.</summary>
internal sealed class AuditChainBrokenException(string message) : Exception(message);
