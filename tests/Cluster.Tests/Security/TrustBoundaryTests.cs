using Microsoft.Extensions.DependencyInjection;
using Unlearning.Client.Security;
using Unlearning.Wire;
using Xunit.Abstractions;

namespace Unlearning.Tests.Security;

/// <summary>
/// A Silo process with mutual TLS and tokens, called by the real CLI and by a raw Orleans client: who gets in, what each
/// role may do, and what no client may call.
/// </summary>
public sealed class TrustBoundaryTests(SecureSiloFixture silo, ITestOutputHelper output) : IClassFixture<SecureSiloFixture>
{
    private const string Model = SecureSiloFixture.Model;

    [Fact]
    public async Task A_client_speaking_plain_tcp_or_with_a_certificate_of_another_ca_is_refused_at_connect()
    {
        var token = silo.Credentials.Token(Roles.Admin);
        var plain = silo.RunAsync("status", Model, "--token", token, "--plain");
        var stranger = silo.RunAsync(["status", Model, "--token", token, .. silo.Credentials.StrangerArguments]);

        foreach (var (exit, stdout, stderr) in await Task.WhenAll(plain, stranger))
        {
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.StartsWith("error: cannot reach the cluster at gateway", stderr);
        }
        Assert.Contains("Authentication failed", silo.Silo.Output);
    }

    public static TheoryData<string> RoleNames() => [.. Roles.All];

    /// <summary>Every command of the CLI against every role: it runs, or fails with exit code 3 and "forbidden: role ... may not ...".</summary>
    [Theory]
    [MemberData(nameof(RoleNames))]
    public async Task Each_role_may_run_its_commands_and_no_other(string role)
    {
        var token = silo.Credentials.Token(role);
        var holdout = SecureSiloFixture.Data("wdbc_holdout.csv");
        var train = SecureSiloFixture.Data("wdbc_train.csv");
        var commands = new (string[] Args, string[] Allowed, string Forbidden)[]
        {
            (["create", $"made-by-{role}", "--schema", train, "--shards", "2"], [Roles.Writer], "create a model (IModelGrain.Create); roles that may: writer, admin"),
            (["ingest", Model, train], [Roles.Writer], "ingest records (IModelGrain.StageIngest); roles that may: writer, admin"),
            (["train", Model], [Roles.Writer], "train a model (IModelGrain.Train); roles that may: writer, admin"),
            (["predict", Model, holdout], [Roles.Reader], "predict (IModelReader.Predict); roles that may: reader, admin"),
            (["evaluate", Model, holdout], [Roles.Reader], "evaluate a model (IModelGrain.Evaluate); roles that may: reader, admin"),
            (["status", Model], [Roles.Reader], "read a model's status (IModelGrain.GetStatus); roles that may: reader, admin"),
            (["status", SecureSiloFixture.CertifiedModel, "--budgets"], [Roles.Auditor], "read certified budgets (IModelGrain.GetCertification); roles that may: auditor, admin"),
            (["explain", Model, holdout, "--top", "2"], [Roles.Auditor], "explain predictions (it names training records) (IModelGrain.Explain); roles that may: auditor, admin"),
            (["verify", Model], [Roles.Auditor], "verify a model against its stored records (IModelGrain.Verify); roles that may: auditor, admin"),
            (["forget", Model, "--subject", $"nobody-{role}", "--request-id", $"req-{role}"], [Roles.Forgetter],
                "forget subjects (a stored forget request) (IForgetRequestGrain.Submit); roles that may: forgetter, admin"),
            (["forget", "--all-models", "--subject", $"nobody-{role}"], [Roles.Forgetter],
                "forget subjects (a stored forget request) (IForgetRequestGrain.Submit); roles that may: forgetter, admin"),
            (["forget-status", $"req-{role}"], [Roles.Forgetter], "read a forget request's status (IForgetRequestGrain.GetStatus); roles that may: forgetter, admin"),
            (["forget-status", "--overdue"], [Roles.Forgetter, Roles.Auditor], "list overdue forget requests (IForgetRequests.Overdue); roles that may: auditor, forgetter, admin"),
            (["models"], [Roles.Reader], "list the models (IModelCatalog.List); roles that may: reader, admin"),
            (["delete", $"made-by-{role}"], [], "delete a model (IModelGrain.Delete); roles that may: admin"),
            (["forget", Model, "--subject", "P000123", "--dry-run", "--probe", holdout], [Roles.Forgetter],
                "estimate a forget (dry run) (IModelGrain.EstimateForget); roles that may: forgetter, admin"),
            (["audit", "--subject", "P000123"], [Roles.Auditor], "look up a subject in the audit log (IAuditGrain.FindSubject); roles that may: auditor, admin"),
            (["audit", "--verify"], [Roles.Auditor], "verify the audit log (IAuditGrain.Verify); roles that may: auditor, admin"),
            (["audit"], [Roles.Auditor], "read the audit log (IAuditGrain.Read); roles that may: auditor, admin"),
            (["signing-key", "--public"], [Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor], ""),
        };

        foreach (var (args, allowed, forbidden) in commands)
        {
            var (exit, _, stderr) = await silo.RunAsync([.. args, "--token", token, "--json"]);
            var what = $"{string.Join(' ', args.Take(3))} as {role}";
            output.WriteLine($"{what}: exit {exit} {stderr}");
            if (role == Roles.Admin || allowed.Contains(role))
            {
                Assert.True(exit == 0, $"{what} exited {exit}: {stderr}");
            }
            else
            {
                Assert.True(exit == 3, $"{what} exited {exit}: {stderr}");
                Assert.Equal($"forbidden: role {role} may not {forbidden}", stderr);
            }
        }
    }

    public static TheoryData<string, string> BadTokens() => SecureCredentials.BadTokenKinds("unauthenticated: the call carries no token");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_missing_or_invalid_token_is_unauthenticated_with_exit_code_3(string kind, string message)
    {
        string[] token = silo.Credentials.BadToken(kind) is { } bad ? ["--token", bad] : [];

        var (exit, stdout, stderr) = await silo.RunAsync(["status", Model, .. token]);

        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith(message, stderr);
        Assert.DoesNotContain('\n', stderr);
    }

    [Fact]
    public async Task The_token_comes_from_a_file_or_the_environment_too()
    {
        var file = Path.Combine(silo.Credentials.Files.Directory, "reader.token");
        File.WriteAllText(file, silo.Credentials.Token(Roles.Reader) + "\n");

        Assert.Equal(0, (await silo.RunAsync("status", Model, "--token-file", file)).Exit);
    }

    /// <summary>Shard methods are the cluster's own protocol: refused to a client whatever its token, even admin's.</summary>
    [Fact]
    public async Task An_internal_method_is_refused_to_a_client_even_with_an_admin_token()
    {
        foreach (var token in new[] { silo.Credentials.Token(Roles.Admin), null })
        {
            using var host = await silo.ConnectAsync(new ClientSecurity(silo.Credentials.ClientTls, token));
            var client = host.Services.GetRequiredService<IClusterClient>();

            var shard = await Assert.ThrowsAsync<ForbiddenException>(() => client.GetGrain<IShardGrain>(ShardKey.For(Model, 0)).GetStatus());
            Assert.Equal("forbidden: IShardGrain.GetStatus is internal to the cluster: no client may call it", shard.Message);
            var events = await Assert.ThrowsAsync<ForbiddenException>(() => client.GetGrain<IModelShardEvents>(Model).IngestOutcome("any"));
            Assert.StartsWith("forbidden: IModelShardEvents.IngestOutcome is internal", events.Message);
            // A client that claims the mark of internal calls, without the cluster's key, is a client all the same.
            RequestContext.Set("unlearning-internal", Convert.ToBase64String(new byte[32]));
            try
            {
                await Assert.ThrowsAsync<ForbiddenException>(() => client.GetGrain<IShardGrain>(ShardKey.For(Model, 1)).GetSnapshot());
            }
            finally
            {
                RequestContext.Clear();
            }
        }
    }

    /// <summary>
    /// Orleans' own grains need a token too: the management grain lists every activation and can deactivate any grain,
    /// so only admin may call it. Orleans' client still fetches the cluster's manifest without one, or no call could
    /// even be refused.
    /// </summary>
    [Fact]
    public async Task Orleans_management_grain_is_refused_to_a_client_without_an_admin_token()
    {
        var everyOtherRole = silo.Credentials.Token(Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor);
        var cases = new (string? Token, string? Refusal)[]
        {
            (null, "unauthenticated: the call carries no token"),
            (silo.Credentials.BadToken("expired"), "unauthenticated: the token is refused (expired)"),
            (everyOtherRole, "forbidden: role auditor, forgetter, reader, writer may not call IManagementGrain.GetHosts; roles that may: admin"),
            (silo.Credentials.Token(Roles.Admin), null),
        };
        foreach (var (token, refusal) in cases)
        {
            using var host = await silo.ConnectAsync(new ClientSecurity(silo.Credentials.ClientTls, token));
            var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            if (refusal is null)
            {
                Assert.Single(await management.GetHosts(onlyActive: true));
                continue;
            }
            var refused = await Assert.ThrowsAnyAsync<AccessDeniedException>(() => management.GetHosts(onlyActive: true));
            Assert.StartsWith(refusal, refused.Message);
            await Assert.ThrowsAnyAsync<AccessDeniedException>(() => management.ForceActivationCollection(TimeSpan.Zero));
        }
        Assert.True((await silo.RunAsync("status", Model, "--token", silo.Credentials.Token(Roles.Reader))).Exit == 0, "the model was deactivated");
    }

    /// <summary>The dashboard, on loopback, is the silo's own caller: its grains answer it with tokens on.</summary>
    [Fact]
    public async Task The_loopback_dashboard_reads_the_cluster_with_tokens_on()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.DashboardPort}/dashboard/"), Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync("DashboardCounters");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var counters = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Single(counters.RootElement.GetProperty("hosts").EnumerateArray());
    }

    /// <summary>
    /// After its first call a client sends the token's 43-character reference instead of the token; the silo resolves
    /// it from the tokens it verified. A reference it never verified, made up or of a token it refused, is refused as
    /// unauthenticated before any grain code runs, and is not mistaken for a token.
    /// </summary>
    [Fact]
    public async Task A_token_reference_stands_for_a_token_the_silo_verified_and_for_nothing_else()
    {
        var reader = silo.Credentials.Token(Roles.Reader);
        using (var host = await silo.ConnectAsync(new ClientSecurity(silo.Credentials.ClientTls, reader)))
        {
            var model = host.Services.GetRequiredService<IClusterClient>().GetGrain<IModelGrain>(Model);
            for (var call = 0; call < 3; call++) Assert.True((await model.GetStatus()).Trained);
        }

        using var bare = await silo.ConnectAsync(new ClientSecurity(silo.Credentials.ClientTls, null));
        var guarded = bare.Services.GetRequiredService<IClusterClient>().GetGrain<IModelGrain>(Model);
        var unverified = silo.Credentials.Token(new TokenRequest([Roles.Admin]) { Subject = "never-sent" });
        foreach (var reference in new[] { TokenReference.Of(unverified), TokenReference.Of(silo.Credentials.BadToken("expired")!), "not-a-reference", new string('!', TokenReference.Length) })
        {
            RequestContext.Set(TokenDefaults.ReferenceContextKey, reference);
            try
            {
                var refused = await Assert.ThrowsAsync<UnknownTokenReferenceException>(() => guarded.GetStatus());
                Assert.StartsWith("unauthenticated: ", refused.Message);
            }
            finally
            {
                RequestContext.Clear();
            }
        }

        // The reference of the token the first client sent, which this silo verified, is as good as that token.
        RequestContext.Set(TokenDefaults.ReferenceContextKey, TokenReference.Of(reader));
        try
        {
            Assert.True((await guarded.GetStatus()).Trained);
            var forbidden = await Assert.ThrowsAsync<ForbiddenException>(() => guarded.Train());
            Assert.StartsWith("forbidden: role reader may not train a model", forbidden.Message);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>The client library's outgoing filter puts the token on every call, long ones and their watching included.</summary>
    [Fact]
    public async Task The_client_library_sends_the_token_with_every_call()
    {
        using var host = await silo.ConnectAsync(new ClientSecurity(silo.Credentials.ClientTls, silo.Credentials.Token(Roles.Reader, Roles.Forgetter)));
        var model = host.Services.GetRequiredService<IClusterClient>().GetGrain<IModelGrain>(Model);

        Assert.True((await model.GetStatus()).Trained);
        Assert.NotEmpty((await model.Watch("a-call")).Activation);
        Assert.Equal(0, (await model.Forget("nobody-at-all")).RecordsRemoved);
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => model.Train());
        Assert.Equal("forbidden: role forgetter, reader may not train a model (IModelGrain.Train); roles that may: writer, admin", refused.Message);
    }
}
