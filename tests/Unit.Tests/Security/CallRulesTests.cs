using System.Reflection;
using Unlearning.Silo.Http;
using Unlearning.Silo.Security;
using Unlearning.Wire;

namespace Unlearning.Tests.Security;

public sealed class CallRulesTests
{
    private static readonly MethodInfo[] ClientMethods = typeof(IModelGrain).GetMethods();

    [Fact]
    public void Every_client_method_names_its_roles_and_what_it_does()
    {
        Assert.All(ClientMethods, method =>
        {
            var (rule, roles) = CallRules.Of(method);
            Assert.Equal(CallRule.Client, rule);
            Assert.NotNull(roles);
            Assert.NotEmpty(roles.Roles);
            Assert.All(roles.Roles, role => Assert.True(Roles.IsKnown(role), role));
            Assert.False(string.IsNullOrWhiteSpace(roles.Action), method.Name);
        });
    }

    public static TheoryData<string, string[]> Table() => new()
    {
        { nameof(IModelGrain.Create), [Roles.Writer] },
        { nameof(IModelGrain.Ingest), [Roles.Writer] },
        { nameof(IModelGrain.StageIngest), [Roles.Writer] },
        { nameof(IModelGrain.CommitIngest), [Roles.Writer] },
        { nameof(IModelGrain.AbortIngest), [Roles.Writer] },
        { nameof(IModelGrain.Train), [Roles.Writer] },
        { nameof(IModelGrain.Predict), [Roles.Reader] },
        { nameof(IModelGrain.Evaluate), [Roles.Reader] },
        { nameof(IModelGrain.GetStatus), [Roles.Reader] },
        { nameof(IModelGrain.CountRecords), [Roles.Reader] },
        { nameof(IModelGrain.Forget), [Roles.Forgetter] },
        { nameof(IModelGrain.EstimateForget), [Roles.Forgetter] },
        { nameof(IModelGrain.Explain), [Roles.Auditor] },
        { nameof(IModelGrain.GetCertification), [Roles.Auditor] },
        { nameof(IModelGrain.Verify), [Roles.Auditor] },
        { nameof(IModelGrain.AuditPredictions), [Roles.Auditor] },
        { nameof(IModelGrain.Delete), [] },
        // Every command reads the config, and every long call polls the activation.
        { nameof(IModelGrain.GetConfig), [Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor] },
        { nameof(IModelGrain.Watch), [Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor] },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_method_admits_its_roles_and_admin_only(string method, string[] allowed)
    {
        var roles = CallRules.Of(typeof(IModelGrain).GetMethod(method)!).Roles!;

        foreach (var role in Roles.All)
            Assert.Equal(role == Roles.Admin || allowed.Contains(role), roles.IsSatisfiedBy(new HashSet<string> { role }));
        Assert.EndsWith(allowed.Length == 0 ? "admin" : ", admin", roles.Allowed);
    }

    [Fact]
    public void A_prediction_through_a_read_replica_admits_the_roles_of_the_model_grains_own()
    {
        var (rule, roles) = CallRules.Of(typeof(IModelReader).GetMethod(nameof(IModelReader.Predict))!);
        var modelGrains = CallRules.Of(typeof(IModelGrain).GetMethod(nameof(IModelGrain.Predict))!).Roles!;
        Assert.Equal(CallRule.Client, rule);
        Assert.Equal(modelGrains.Roles, roles!.Roles);
        Assert.Equal(modelGrains.Action, roles.Action);
    }

    public static TheoryData<string, string, string[]> ComplianceTable() => new()
    {
        { nameof(IModelCatalog), nameof(IModelCatalog.List), [Roles.Reader] },
        { nameof(IForgetRequestGrain), nameof(IForgetRequestGrain.Submit), [Roles.Forgetter] },
        { nameof(IForgetRequestGrain), nameof(IForgetRequestGrain.GetStatus), [Roles.Forgetter] },
        // As a model's: open to every role, and it tells nothing but which activation answers.
        { nameof(IForgetRequestGrain), nameof(IForgetRequestGrain.Watch), [Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor] },
        { nameof(IForgetRequests), nameof(IForgetRequests.Overdue), [Roles.Forgetter, Roles.Auditor] },
    };

    private static readonly Type[] ComplianceInterfaces = [typeof(IModelCatalog), typeof(IForgetRequestGrain), typeof(IForgetRequests)];

    [Theory]
    [MemberData(nameof(ComplianceTable))]
    public void Each_compliance_method_admits_its_roles_and_admin_only(string type, string method, string[] allowed)
    {
        var info = ComplianceInterfaces.Single(t => t.Name == type).GetMethod(method)!;
        var (rule, roles) = CallRules.Of(info);

        Assert.Equal(CallRule.Client, rule);
        foreach (var role in Roles.All)
            Assert.Equal(role == Roles.Admin || allowed.Contains(role), roles!.IsSatisfiedBy(new HashSet<string> { role }));
        Assert.False(string.IsNullOrWhiteSpace(roles!.Action));
    }

    [Fact]
    public void The_compliance_table_covers_every_method_of_those_interfaces()
    {
        Assert.Equal(
            ComplianceInterfaces.SelectMany(t => t.GetMethods().Select(m => $"{t.Name}.{m.Name}")).Order(),
            ComplianceTable().Select(row => $"{row[0]}.{row[1]}").Order());
    }

    [Fact]
    public void The_table_covers_every_client_method()
    {
        Assert.Equal(ClientMethods.Select(m => m.Name).Order(), Table().Select(row => (string)row[0]).Order());
    }

    [Fact]
    public void The_grains_own_protocol_is_internal_and_other_assemblies_are_not_ours()
    {
        Type[] wire = [typeof(IShardGrain), typeof(IModelShardEvents), typeof(IModelCatalogEvents), typeof(ISubjectIndexGrain),
            typeof(IModelForgets), typeof(IForgetRequestRegistry), typeof(IForgetRequestWork), typeof(IModelServing), typeof(IReplicaHost)];
        Assert.All(wire.SelectMany(t => t.GetMethods()),
            method => Assert.Equal(CallRule.Internal, CallRules.Of(method).Rule));
        Assert.Equal(CallRule.NotOurs, CallRules.Of(typeof(IManagementGrain).GetMethods()[0]).Rule);
        Assert.True(CallRules.IsOurs(typeof(IShardGrain).GetMethod(nameof(IShardGrain.GetStatus))));
        Assert.False(CallRules.IsOurs(typeof(IManagementGrain).GetMethods()[0]));
    }

    [Fact]
    public void Orleans_own_methods_are_admins_except_the_manifest_and_the_cancellation_of_a_call()
    {
        var orleans = typeof(IClusterClient).Assembly;
        var manifest = orleans.GetType("Orleans.Runtime.IClusterManifestSystemTarget", throwOnError: true)!.GetMethods()[0];
        var cancellation = orleans.GetType("Orleans.Runtime.IGrainCallCancellationExtension", throwOnError: true)!.GetMethods()[0];
        var management = typeof(IManagementGrain).GetMethod(nameof(IManagementGrain.ForceActivationCollection), [typeof(TimeSpan)])!;

        Assert.Null(CallRules.ForeignRoles(manifest));
        Assert.True(CallRules.ForeignRoles(cancellation)!.IsSatisfiedBy(new HashSet<string> { Roles.Reader }));
        var admins = CallRules.ForeignRoles(management)!;
        Assert.False(admins.IsSatisfiedBy(Roles.All.Where(r => r != Roles.Admin).ToHashSet()));
        Assert.True(admins.IsSatisfiedBy(new HashSet<string> { Roles.Admin }));
    }

    [Fact]
    public void Only_a_sender_that_says_it_is_a_client_is_taken_for_one()
    {
        Assert.True(CallRules.FromClient(GrainId.Create("sys.client", "cli")));
        Assert.False(CallRules.FromClient(GrainId.Create("model", "m")));
        Assert.False(CallRules.FromClient(null));
    }

    [Fact]
    public void A_refusal_names_the_method_in_plain_words()
    {
        var method = typeof(IModelGrain).GetMethod(nameof(IModelGrain.Forget))!;

        Assert.Equal("forget a subject (IModelGrain.Forget)", CallRules.Describe(method, CallRules.Of(method).Roles));
        Assert.Equal("call IModelGrain.Forget", CallRules.Describe(method, null));
    }

    /// <summary>An HTTP endpoint's roles come from the methods it calls: those every one of them allows, as the filter's table has them.</summary>
    [Fact]
    public void An_http_endpoint_allows_the_roles_every_grain_call_it_makes_allows()
    {
        var ingest = GrainCalls.Of(nameof(IModelGrain.StageIngest), nameof(IModelGrain.CommitIngest), nameof(IModelGrain.AbortIngest),
            nameof(IModelGrain.GetConfig), nameof(IModelGrain.Watch));
        var predict = GrainCalls.Of(nameof(IModelGrain.Predict), nameof(IModelGrain.GetConfig));

        Assert.Equal("writer, admin", ingest.Allowed);
        Assert.Equal("reader, admin", predict.Allowed);
        Assert.Null(ingest.RefusalFor(Caller(Roles.Writer)));
        Assert.Null(predict.RefusalFor(Caller(Roles.Admin)));
        Assert.Equal("forbidden: role auditor, reader may not ingest records (IModelGrain.StageIngest); roles that may: writer, admin",
            ingest.RefusalFor(Caller(Roles.Reader, Roles.Auditor)));
        Assert.Throws<ArgumentException>(() => GrainCalls.Of("NoSuchMethod"));
    }

    private static CallerIdentity Caller(params string[] roles) =>
        new("someone", System.Collections.Frozen.FrozenSet.ToFrozenSet(roles), null, DateTimeOffset.UtcNow.AddHours(1));
}
