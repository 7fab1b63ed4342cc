using System.Text.Json.Nodes;
using Unlearning.Client.Security;
using Unlearning.Tests.Security;
using Xunit.Abstractions;

namespace Unlearning.Tests.Compliance;

/// <summary>
/// Against a Silo process with mutual TLS and tokens: refused calls are in the audit log (who, which call, why; never
/// the arguments), the caller of each change is its token's subject, and only auditors read the log.
/// </summary>
public sealed class AuditDenialTests(SecureSiloFixture silo, ITestOutputHelper output) : IClassFixture<SecureSiloFixture>
{
    [Fact]
    public async Task A_refused_call_appears_in_the_audit_log_with_its_caller_and_reason()
    {
        var reader = silo.Credentials.Token(new TokenRequest([Roles.Reader]) { Subject = "reader-alice" });
        var forgetter = silo.Credentials.Token(new TokenRequest([Roles.Forgetter]) { Subject = "forgetter-bob" });
        var auditor = silo.Credentials.Token(new TokenRequest([Roles.Auditor]) { Subject = "auditor-carol" });

        var forbidden = await silo.RunAsync("audit", "--subject", "P000123", "--token", reader);
        Assert.Equal(3, forbidden.Exit);
        Assert.StartsWith("forbidden: role reader may not look up a subject in the audit log", forbidden.Stderr);
        var unauthenticated = await silo.RunAsync("audit", "--verify", "--token", "not-a-token");
        Assert.Equal(3, unauthenticated.Exit);
        var forgot = await silo.RunAsync("forget", SecureSiloFixture.Model, "--subject", "P000123", "--token", forgetter, "--json");
        Assert.True(forgot.Exit == 0, forgot.Stderr);

        // Refusals are logged without holding up the refusal: the log has them within moments.
        JsonObject[] entries = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var (exit, stdout, stderr) = await silo.RunAsync("audit", "--json", "--count", "1000", "--token", auditor);
            Assert.True(exit == 0, stderr);
            entries = [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject())];
            if (entries.Count(e => Text(e, "kind") == "denied") >= 2) break;
            await Task.Delay(200);
        }
        foreach (var entry in entries) output.WriteLine(entry.ToJsonString());

        var byReader = Assert.Single(entries, e => Text(e, "kind") == "denied" && Text(e, "caller") == "reader-alice");
        Assert.Equal("IAuditGrain.FindSubject", Text(byReader, "call"));
        Assert.Equal("forbidden: roles reader", Text(byReader, "reason"));
        var anonymous = Assert.Single(entries, e => Text(e, "kind") == "denied" && Text(e, "call") == "IAuditGrain.Verify");
        Assert.Null(anonymous["caller"]);
        Assert.StartsWith("unauthenticated: token", Text(anonymous, "reason"));
        var forget = Assert.Single(entries, e => Text(e, "kind") == "forget" && Text(e, "requestId") == Text(JsonNode.Parse(forgot.Stdout)!.AsObject(), "requestId"));
        Assert.Equal("forgetter-bob", Text(forget, "caller"));
        // The refused look-up's argument is nowhere in the log.
        Assert.DoesNotContain(entries, e => e.ToJsonString().Contains("P000123", StringComparison.Ordinal));

        var verified = await silo.RunAsync("audit", "--verify", "--json", "--token", auditor);
        Assert.True(verified.Exit == 0, verified.Stderr);
    }

    private static string? Text(JsonObject entry, string member) => entry[member]?.GetValue<string>();
}
