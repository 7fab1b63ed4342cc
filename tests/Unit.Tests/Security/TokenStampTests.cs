using System.Reflection;
using Orleans.Serialization.Invocation;
using Unlearning.Client.Security;

namespace Unlearning.Tests.Security;

/// <summary>
/// The client's token filter: the token itself until the cluster has answered it, then its reference; the token again,
/// for that very call, when a silo does not hold the reference.
/// </summary>
public sealed class TokenStampTests
{
    private const string Token = "header.payload-of-a-token-that-is-long-enough-to-matter.signature";

    [Fact]
    public async Task The_token_goes_until_answered_then_its_reference_only()
    {
        var stamp = new TokenStamp(Token);
        var call = new RecordingCall();

        await stamp.Invoke(call);
        await stamp.Invoke(call);
        await stamp.Invoke(call);

        Assert.Equal([(Token, null), (null, TokenReference.Of(Token)), (null, TokenReference.Of(Token))], call.Sent);
    }

    [Fact]
    public async Task A_silo_without_the_reference_gets_the_same_call_again_with_the_token()
    {
        var stamp = new TokenStamp(Token);
        await stamp.Invoke(new RecordingCall());
        var call = new RecordingCall(refuse: sent => sent.Reference is not null ? new UnknownTokenReferenceException() : null);

        await stamp.Invoke(call);

        Assert.Equal([(null, TokenReference.Of(Token)), (Token, null)], call.Sent);
        Assert.Equal(42, call.Result);
    }

    [Fact]
    public async Task A_token_refused_as_unauthenticated_is_sent_itself_on_every_call()
    {
        var stamp = new TokenStamp(Token);
        var call = new RecordingCall(refuse: _ => UnauthenticatedException.Because("expired"));

        await Assert.ThrowsAsync<UnauthenticatedException>(() => stamp.Invoke(call));
        await Assert.ThrowsAsync<UnauthenticatedException>(() => stamp.Invoke(call));

        Assert.Equal([(Token, null), (Token, null)], call.Sent);
    }

    [Fact]
    public async Task A_refusal_for_the_role_still_means_the_token_was_accepted()
    {
        var stamp = new TokenStamp(Token);
        var refused = true;
        var call = new RecordingCall(refuse: _ => refused ? new ForbiddenException("forbidden: role reader may not ...") : null);

        await Assert.ThrowsAsync<ForbiddenException>(() => stamp.Invoke(call));
        refused = false;
        await stamp.Invoke(call);

        Assert.Equal([(Token, null), (null, TokenReference.Of(Token))], call.Sent);
    }

    [Fact]
    public async Task A_new_token_from_the_provider_is_sent_itself_first()
    {
        var current = Token;
        var stamp = new TokenStamp(() => current);
        var call = new RecordingCall();

        await stamp.Invoke(call);
        current = Token + "-renewed";
        await stamp.Invoke(call);
        await stamp.Invoke(call);

        Assert.Equal([(Token, null), (current, null), (null, TokenReference.Of(current))], call.Sent);
    }

    [Fact]
    public async Task Without_a_token_nothing_is_stamped_and_the_callers_context_is_left_as_it_was()
    {
        var call = new RecordingCall();
        RequestContext.Clear();
        try
        {
            await new TokenStamp(() => null).Invoke(call);
            await new TokenStamp(Token).Invoke(call);

            Assert.Equal([(null, null), (Token, null)], call.Sent);
            Assert.Null(RequestContext.Get(TokenDefaults.RequestContextKey));
            Assert.Null(RequestContext.Get(TokenDefaults.ReferenceContextKey));
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>A call that records what its RequestContext carried each time it was sent, and may be refused.</summary>
    private sealed class RecordingCall(Func<(string? Token, string? Reference), Exception?>? refuse = null) : IOutgoingGrainCallContext
    {
        public List<(string? Token, string? Reference)> Sent { get; } = [];

        public Task Invoke()
        {
            var sent = (RequestContext.Get(TokenDefaults.RequestContextKey) as string, RequestContext.Get(TokenDefaults.ReferenceContextKey) as string);
            Sent.Add(sent);
            if (refuse?.Invoke(sent) is { } refusal) return Task.FromException(refusal);
            Result = 42;
            return Task.CompletedTask;
        }

        public object? Result { get; set; }
        public Response? Response { get; set; }
        public IGrainContext? SourceContext => null;
        public IInvokable Request => throw new NotSupportedException();
        public object Grain => throw new NotSupportedException();
        public GrainId? SourceId => null;
        public GrainId TargetId => default;
        public GrainInterfaceType InterfaceType => default;
        public string InterfaceName => "IModelGrain";
        public string MethodName => "GetStatus";
        public MethodInfo InterfaceMethod => typeof(IModelGrain).GetMethod(nameof(IModelGrain.GetStatus))!;
    }
}
