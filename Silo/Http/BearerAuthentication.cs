using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Unlearning.Silo.Security;

namespace Unlearning.Silo.Http;

/// <summary>
/// Bearer tokens on the HTTP API: ASP.NET Core's JwtBearer with the very <see cref="TokenValidationParameters"/> of the
/// silo's <see cref="TokenValidator"/> (keys, issuer, audience, expiry, clock skew), and the caller taken from the token by
/// <see cref="TokenValidator.Identify"/> as the grain call filter does. A refusal is a 401 problem whose detail says why,
/// in the words the CLI prints: "unauthenticated: the token is refused (expired)".
/// </summary>
internal static class BearerAuthentication
{
    private const string FailureKey = "unlearning-token-failure";
    private const string TokenKey = "unlearning-token";

    /// <summary>
    /// Authentication without the data protection that <c>AddAuthentication</c> brings (nothing here encrypts, and its
    /// key ring would be written to the silo user's home at start-up); with <paramref name="tokens"/>, JwtBearer.
    /// </summary>
    public static void AddApiAuthentication(this IServiceCollection services, bool tokens)
    {
        services.AddAuthenticationCore(options => options.DefaultScheme = tokens ? JwtBearerDefaults.AuthenticationScheme : null);
        services.AddWebEncoders();
        services.AddSingleton<IAuthenticationConfigurationProvider, NoAuthenticationConfiguration>();
        if (tokens) services.AddBearerAuthentication();
    }

    private static void AddBearerAuthentication(this IServiceCollection services)
    {
        new AuthenticationBuilder(services).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TokenValidator>((options, validator) =>
        {
            // Claims keep their JWT names (sub, roles); no metadata is fetched: the keys are the silo's, nothing else.
            options.MapInboundClaims = false;
            options.TokenValidationParameters = validator.Parameters;
            options.SaveToken = false;
            options.IncludeErrorDetails = false;
            foreach (var handler in options.TokenHandlers.OfType<Microsoft.IdentityModel.Tokens.TokenHandler>())
                handler.MaximumTokenSizeInBytes = TokenValidator.MaxTokenLength;
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = Identify,
                OnAuthenticationFailed = context =>
                {
                    context.HttpContext.Items[FailureKey] = TokenValidator.FailureOf(context.Exception);
                    return Task.CompletedTask;
                },
                OnChallenge = Challenge,
            };
        });
    }

    /// <summary>The caller of a validated request, as the grain call filter sees it; null without a valid token.</summary>
    public static CallerIdentity? Caller(this HttpContext http) => http.Items[typeof(CallerIdentity)] as CallerIdentity;

    /// <summary>The bearer token JwtBearer validated for this request, to be passed on with its grain calls.</summary>
    public static string? BearerToken(this HttpContext http) => http.Items[TokenKey] as string;

    private static Task Identify(TokenValidatedContext context)
    {
        var identity = context.SecurityToken is JsonWebToken token ? TokenValidator.Identify(token) : TokenValidation.Failed(TokenFailure.Malformed);
        if (identity.IsValid)
        {
            context.HttpContext.Items[typeof(CallerIdentity)] = identity.Identity;
            context.HttpContext.Items[TokenKey] = ((JsonWebToken)context.SecurityToken).EncodedToken; // what the grain call filter checks again
        }
        else
        {
            context.HttpContext.Items[FailureKey] = identity.Failure;
            context.Fail(identity.Reason);
        }
        return Task.CompletedTask;
    }

    private static async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.HttpContext.Items[FailureKey] as TokenFailure?;
        context.Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        var detail = failure is { } reason
            ? UnauthenticatedException.Because(TokenValidation.Failed(reason).Reason).Message
            : $"{UnauthenticatedException.Prefix}the request carries no token (send it as the header Authorization: Bearer TOKEN)";
        await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, detail);
    }
}

/// <summary>
/// JwtBearer reads scheme settings from the "Authentication" configuration section; here there are none to read: the
/// validation rules are the silo's token settings only, which no other configuration key may loosen.
/// </summary>
internal sealed class NoAuthenticationConfiguration : IAuthenticationConfigurationProvider
{
    public IConfiguration AuthenticationConfiguration { get; } = new ConfigurationBuilder().Build();
}
