using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// A stored forget request reaches the model through the cluster's own calls: the forget's audit entry names the
    /// caller its token proved, whatever the client wrote under the audit caller's RequestContext key.
    /// </summary>
    [Fact]
    public async Task A_forget_request_is_audited_under_its_tokens_subject_whatever_the_client_claims()
    {
        var forgetter = silo.Credentials.Token(new TokenRequest([Roles.Forgetter]) { Subject = "forgetter-dave" });
        var auditor = silo.Credentials.Token(new TokenRequest([Roles.Auditor]) { Subject = "auditor-carol" });
        using var host = await silo.ConnectAsync(new ClientSecurity(silo.Credentials.ClientTls, forgetter));
        var request = host.Services.GetRequiredService<IClusterClient>().GetGrain<IForgetRequestGrain>($"req-{Guid.NewGuid():N}");

        RequestContext.Set("unlearning-audit-caller", "mallory");
        SubjectForget forgot;
        try
        {
            forgot = Assert.Single(await request.Submit(new ForgetOrder(SecureSiloFixture.Model, ["nobody-dave"])));
        }
        finally
        {
            RequestContext.Clear();
        }

        var receipt = Assert.Single(forgot.Receipts);
        var (exit, stdout, stderr) = await silo.RunAsync("audit", "--json", "--count", "1000", "--token", auditor);
        Assert.True(exit == 0, stderr);
        var entries = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var forget = Assert.Single(entries, e => Text(e, "kind") == "forget" && Text(e, "requestId") == receipt.RequestId);
        Assert.Equal("forgetter-dave", Text(forget, "caller"));
        Assert.DoesNotContain(entries, e => Text(e, "caller") == "mallory");
    }

    private static string? Text(JsonObject entry, string member) => entry[member]?.GetValue<string>();
}
