using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Unlearning.Client.Security;
using Unlearning.Silo.Security;

namespace Unlearning.Tests.Security;

/// <summary>Tokens from <see cref="TokenIssuer"/> through <see cref="TokenValidator"/>: what passes, what is refused and why, and the cache.</summary>
public sealed class TokenValidatorTests : IDisposable
{
    private readonly SecurityFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task A_token_round_trips_subject_roles_id_and_expiry()
    {
        using var issuer = TokenIssuer.FromPem(_fx.PrivatePem, _fx.Clock);
        var issued = issuer.Issue(new TokenRequest([Roles.Forgetter, Roles.Reader]) { Subject = "dr-who", Lifetime = TimeSpan.FromMinutes(30) });

        var result = await _fx.Validator().ValidateAsync(issued.Token);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("valid", result.Reason);
        Assert.Equal("dr-who", result.Identity.Subject);
        Assert.Equal(new HashSet<string> { Roles.Forgetter, Roles.Reader }, result.Identity.Roles);
        Assert.Equal(issued.TokenId, result.Identity.TokenId);
        Assert.Equal(SecurityFixtures.Start.AddMinutes(30), result.Identity.ExpiresAt);
        Assert.Equal(issued.ExpiresAt, result.Identity.ExpiresAt);
        Assert.Equal(SecurityAlgorithms.EcdsaSha256, issuer.Algorithm);
    }

    [Fact]
    public void The_token_carries_the_documented_claims()
    {
        var token = _fx.Issue(new TokenRequest([Roles.Auditor]) { Issuer = "iss-x", Audience = "aud-y", Subject = "sub-z" });

        var header = Json(token.Split('.')[0]);
        var payload = Json(token.Split('.')[1]);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.False(string.IsNullOrEmpty(header.GetProperty("kid").GetString()));
        Assert.Equal("iss-x", payload.GetProperty("iss").GetString());
        Assert.Equal("aud-y", payload.GetProperty("aud").GetString());
        Assert.Equal("sub-z", payload.GetProperty("sub").GetString());
        var now = SecurityFixtures.Start.ToUnixTimeSeconds();
        Assert.Equal(now, payload.GetProperty("iat").GetInt64());
        Assert.Equal(now, payload.GetProperty("nbf").GetInt64());
        Assert.Equal(now + 3600, payload.GetProperty("exp").GetInt64());
        Assert.Equal(22, payload.GetProperty("jti").GetString()!.Length);
        // One role is still an array: validators need not accept a bare string.
        Assert.Equal(JsonValueKind.Array, payload.GetProperty("roles").ValueKind);
        Assert.Equal(["auditor"], payload.GetProperty("roles").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void The_issuer_refuses_unknown_roles_no_roles_and_long_lifetimes()
    {
        using var issuer = TokenIssuer.FromPem(_fx.PrivatePem, _fx.Clock);

        Assert.Contains("unknown role 'root'", Assert.Throws<ArgumentException>(() => issuer.Issue(new TokenRequest(["root"]))).Message);
        Assert.Contains("at least one role", Assert.Throws<ArgumentException>(() => issuer.Issue(new TokenRequest([]))).Message);
        Assert.Throws<ArgumentException>(() => issuer.Issue(new TokenRequest([Roles.Admin]) { Lifetime = TimeSpan.FromDays(31) }));
    }

    [Fact]
    public async Task Rsa_keys_sign_rs256_and_validate_against_their_public_key()
    {
        using var rsa = RSA.Create(2048);
        using var issuer = TokenIssuer.FromPem(rsa.ExportPkcs8PrivateKeyPem(), _fx.Clock);
        var token = issuer.Issue(new TokenRequest([Roles.Writer])).Token;
        var validator = new TokenValidator(_fx.Options, [SigningKeys.FromPem(rsa.ExportSubjectPublicKeyInfoPem())], _fx.Clock);

        var result = await validator.ValidateAsync(token);

        Assert.Equal(SecurityAlgorithms.RsaSha256, issuer.Algorithm);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal([Roles.Writer], result.Identity.Roles);
    }

    [Fact]
    public void Weak_or_unsupported_signing_keys_are_refused_with_a_reason()
    {
        using var small = RSA.Create(1024);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Contains("2048", Assert.Throws<FormatException>(() => TokenIssuer.FromPem(small.ExportPkcs8PrivateKeyPem())).Message);
        Assert.Contains("P-256", Assert.Throws<FormatException>(() => TokenIssuer.FromPem(p384.ExportPkcs8PrivateKeyPem())).Message);
        Assert.Contains("not a private key", Assert.Throws<FormatException>(() => TokenIssuer.FromPem(_fx.Key.ExportSubjectPublicKeyInfoPem())).Message);
        Assert.Contains("encrypted", Assert.Throws<FormatException>(() => TokenIssuer.FromPem(
            _fx.Key.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)))).Message);
        using var sec1 = TokenIssuer.FromPem(_fx.Key.ExportECPrivateKeyPem());
        Assert.Equal("ES256", sec1.Algorithm);

        Assert.Contains("private key", Assert.Throws<FormatException>(() => SigningKeys.FromPem(_fx.PrivatePem)).Message);
        Assert.Contains("P-256", Assert.Throws<FormatException>(() => SigningKeys.FromPem(p384.ExportSubjectPublicKeyInfoPem())).Message);
        Assert.Contains("2048", Assert.Throws<FormatException>(() => SigningKeys.FromPem(small.ExportSubjectPublicKeyInfoPem())).Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task No_token_is_missing(string? token) =>
        Assert.Equal(TokenFailure.Missing, (await _fx.Validator().ValidateAsync(token)).Failure);

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Garbage_is_malformed(string token)
    {
        var result = await _fx.Validator().ValidateAsync(token);

        Assert.False(result.IsValid);
        Assert.Contains(result.Failure, new TokenFailure?[] { TokenFailure.Malformed, TokenFailure.BadSignature });
    }

    [Fact]
    public async Task An_oversized_token_is_malformed_without_verification()
    {
        var validator = _fx.Validator();

        var result = await validator.ValidateAsync(new string('a', TokenValidator.MaxTokenLength + 1));

        Assert.Equal(TokenFailure.Malformed, result.Failure);
        Assert.Equal(0, validator.Verifications);
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired()
    {
        var token = _fx.Issue(new TokenRequest([Roles.Reader]) { Lifetime = TimeSpan.FromHours(1) }, SecurityFixtures.Start.AddHours(-2));

        var result = await _fx.Validator().ValidateAsync(token);

        Assert.Equal(TokenFailure.Expired, result.Failure);
        Assert.Equal("expired", result.Reason);
    }

    [Fact]
    public async Task A_token_from_the_future_is_not_yet_valid_beyond_the_clock_skew()
    {
        var later = _fx.Issue(new TokenRequest([Roles.Reader]), SecurityFixtures.Start.AddMinutes(5));
        var slightlyLater = _fx.Issue(new TokenRequest([Roles.Reader]), SecurityFixtures.Start.AddSeconds(20));

        Assert.Equal("not yet valid", (await _fx.Validator().ValidateAsync(later)).Reason);
        Assert.True((await _fx.Validator().ValidateAsync(slightlyLater)).IsValid);
    }

    [Fact]
    public async Task A_tampered_payload_has_a_bad_signature()
    {
        var parts = _fx.Issue(Roles.Reader).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"reader\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        var result = await _fx.Validator().ValidateAsync(forged);

        Assert.Equal(TokenFailure.BadSignature, result.Failure);
        Assert.Equal("bad signature", result.Reason);
    }

    [Fact]
    public async Task A_tampered_signature_is_a_bad_signature()
    {
        var parts = _fx.Issue(Roles.Reader).Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[10] ^= 0x01;
        var forged = $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";

        Assert.Equal(TokenFailure.BadSignature, (await _fx.Validator().ValidateAsync(forged)).Failure);
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var parts = _fx.Issue(Roles.Admin).Split('.');
        var none = $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{parts[1]}.";

        var result = await _fx.Validator().ValidateAsync(none);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_has_a_bad_signature()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var token = _fx.Issue(other.ExportPkcs8PrivateKeyPem(), new TokenRequest([Roles.Admin]));

        Assert.Equal(TokenFailure.BadSignature, (await _fx.Validator().ValidateAsync(token)).Failure);
    }

    [Fact]
    public async Task An_rsa_token_is_refused_by_an_ec_key()
    {
        using var rsa = RSA.Create(2048);

        var token = _fx.Issue(rsa.ExportPkcs8PrivateKeyPem(), new TokenRequest([Roles.Admin]));

        Assert.Equal(TokenFailure.BadSignature, (await _fx.Validator().ValidateAsync(token)).Failure);
    }

    [Fact]
    public async Task Wrong_issuer_and_wrong_audience_are_told_apart()
    {
        var validator = _fx.Validator();

        var issuer = await validator.ValidateAsync(_fx.Issue(new TokenRequest([Roles.Reader]) { Issuer = "someone-else" }));
        var audience = await validator.ValidateAsync(_fx.Issue(new TokenRequest([Roles.Reader]) { Audience = "another-service" }));

        Assert.Equal(("wrong issuer", "wrong audience"), (issuer.Reason, audience.Reason));
    }

    [Fact]
    public async Task Configured_issuer_and_audience_replace_the_defaults()
    {
        _fx.Options.Issuer = "hospital-idp";
        _fx.Options.Audience = "unlearning-prod";
        var validator = _fx.Validator();

        Assert.False((await validator.ValidateAsync(_fx.Issue(Roles.Reader))).IsValid);
        Assert.Equal(TokenFailure.WrongIssuer,
            (await validator.ValidateAsync(_fx.Issue(new TokenRequest([Roles.Reader]) { Audience = "unlearning-prod" }))).Failure);
        var token = _fx.Issue(new TokenRequest([Roles.Reader]) { Issuer = "hospital-idp", Audience = "unlearning-prod" });
        Assert.True((await validator.ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task A_token_without_roles_is_refused_as_no_roles()
    {
        var validator = _fx.Validator();

        var absent = await validator.ValidateAsync(_fx.Raw(new() { ["sub"] = "x" }));
        var empty = await validator.ValidateAsync(_fx.Raw(new() { ["sub"] = "x", ["roles"] = Array.Empty<string>() }));

        Assert.Equal(("no roles", "no roles"), (absent.Reason, empty.Reason));
    }

    [Fact]
    public async Task Unknown_role_names_are_ignored_and_grant_nothing()
    {
        var validator = _fx.Validator();

        var mixed = await validator.ValidateAsync(_fx.Raw(new() { ["sub"] = "x", ["roles"] = new[] { "reader", "superuser", "Admin" } }));
        var unknownOnly = await validator.ValidateAsync(_fx.Raw(new() { ["sub"] = "x", ["roles"] = new[] { "superuser" } }));

        Assert.True(mixed.IsValid);
        Assert.Equal([Roles.Reader], mixed.Identity.Roles);
        Assert.Equal(TokenFailure.NoRoles, unknownOnly.Failure);
    }

    [Fact]
    public async Task A_single_role_string_is_read_as_one_role()
    {
        var result = await _fx.Validator().ValidateAsync(_fx.Raw(new() { ["sub"] = "x", ["roles"] = "writer" }));

        Assert.True(result.IsValid);
        Assert.Equal([Roles.Writer], result.Identity.Roles);
    }

    [Fact]
    public async Task A_token_without_subject_is_malformed()
    {
        var result = await _fx.Validator().ValidateAsync(_fx.Raw(new() { ["roles"] = new[] { "reader" } }));

        Assert.Equal(TokenFailure.Malformed, result.Failure);
    }

    [Fact]
    public async Task The_public_key_pem_file_from_the_options_validates()
    {
        _fx.Options.AuthPublicKey = _fx.File("signing.pub.pem", _fx.Key.ExportSubjectPublicKeyInfoPem());

        var result = await new TokenValidator(_fx.Options, _fx.Clock).ValidateAsync(_fx.Issue(Roles.Auditor));

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_jwks_file_validates_its_ec_and_rsa_keys()
    {
        using var rsa = RSA.Create(2048);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ec = _fx.Key.ExportParameters(false);
        var rsaPublic = rsa.ExportParameters(false);
        _fx.Options.Jwks = _fx.File("jwks.json", JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "EC", crv = "P-256", kid = "ec-1", use = "sig", alg = "ES256",
                    x = Base64UrlEncoder.Encode(ec.Q.X), y = Base64UrlEncoder.Encode(ec.Q.Y) },
                new { kty = "RSA", kid = "rsa-1", n = Base64UrlEncoder.Encode(rsaPublic.Modulus), e = Base64UrlEncoder.Encode(rsaPublic.Exponent) },
                new { kty = "oct", kid = "hmac", k = "c2VjcmV0" },
            },
        }));
        var validator = new TokenValidator(_fx.Options, _fx.Clock);

        Assert.True((await validator.ValidateAsync(_fx.Issue(Roles.Reader))).IsValid);
        Assert.True((await validator.ValidateAsync(_fx.Issue(rsa.ExportPkcs8PrivateKeyPem(), new TokenRequest([Roles.Reader])))).IsValid);
        Assert.Equal(TokenFailure.BadSignature,
            (await validator.ValidateAsync(_fx.Issue(stranger.ExportPkcs8PrivateKeyPem(), new TokenRequest([Roles.Reader])))).Failure);
    }

    [Fact]
    public void A_jwks_with_private_keys_or_no_usable_key_is_refused()
    {
        var d = Base64UrlEncoder.Encode(_fx.Key.ExportParameters(true).D);
        var ec = _fx.Key.ExportParameters(false);
        var withPrivate = $$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"{{Base64UrlEncoder.Encode(ec.Q.X)}}","y":"{{Base64UrlEncoder.Encode(ec.Q.Y)}}","d":"{{d}}"}]}""";

        var error = Assert.Throws<FormatException>(() => SigningKeys.FromJwks(withPrivate));
        Assert.Contains("private key material", error.Message);
        Assert.DoesNotContain(d, error.Message);
        Assert.Contains("no ES256", Assert.Throws<FormatException>(() => SigningKeys.FromJwks("""{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}""")).Message);
        Assert.Throws<FormatException>(() => SigningKeys.FromJwks("[1,2]"));
    }

    [Fact]
    public async Task A_cached_token_returns_the_same_identity_without_verifying_again()
    {
        var validator = _fx.Validator();
        var token = _fx.Issue(Roles.Forgetter);

        var first = await validator.ValidateAsync(token);
        var second = await validator.ValidateAsync(token);
        _fx.Clock.Advance(TimeSpan.FromMinutes(59));
        var third = await validator.ValidateAsync(token);

        Assert.True(first.IsValid);
        Assert.Same(first, second);
        Assert.Same(first.Identity, third.Identity);
        Assert.Equal(1, validator.Verifications);
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_it_expires()
    {
        var validator = _fx.Validator();
        var token = _fx.Issue(new TokenRequest([Roles.Forgetter]) { Lifetime = TimeSpan.FromMinutes(10) });
        Assert.True((await validator.ValidateAsync(token)).IsValid);

        // Past exp but within the 30 s clock skew: verified again, still valid, and not cached any more.
        _fx.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(10));
        Assert.True((await validator.ValidateAsync(token)).IsValid);
        Assert.Equal(2, validator.Verifications);

        _fx.Clock.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal(TokenFailure.Expired, (await validator.ValidateAsync(token)).Failure);
        Assert.Equal(3, validator.Verifications);
    }

    [Fact]
    public async Task A_refusal_is_remembered_for_a_few_seconds_only()
    {
        var validator = _fx.Validator();
        var token = _fx.Issue(new TokenRequest([Roles.Reader]) { Audience = "elsewhere" });

        Assert.Equal(TokenFailure.WrongAudience, (await validator.ValidateAsync(token)).Failure);
        Assert.Equal(TokenFailure.WrongAudience, (await validator.ValidateAsync(token)).Failure);
        Assert.Equal(1, validator.Verifications);

        _fx.Clock.Advance(TokenValidator.FailureCacheTime);
        Assert.Equal(TokenFailure.WrongAudience, (await validator.ValidateAsync(token)).Failure);
        Assert.Equal(2, validator.Verifications);
        Assert.True(TokenValidator.FailureCacheTime <= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_not_yet_valid_token_becomes_valid_once_its_time_comes()
    {
        var validator = _fx.Validator();
        var token = _fx.Issue(new TokenRequest([Roles.Reader]), SecurityFixtures.Start.AddMinutes(1));

        Assert.Equal(TokenFailure.NotYetValid, (await validator.ValidateAsync(token)).Failure);
        _fx.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True((await validator.ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task A_reference_resolves_only_a_token_this_validator_found_valid_and_only_until_its_exp()
    {
        var validator = _fx.Validator();
        var token = _fx.Issue(new TokenRequest([Roles.Reader]) { Subject = "dr-who", Lifetime = TimeSpan.FromMinutes(10) });
        var reference = TokenReference.Of(token);

        Assert.Null(validator.Resolve(reference));
        var verified = await validator.ValidateAsync(token);
        Assert.Same(verified, validator.Resolve(reference));
        Assert.Equal("dr-who", validator.Resolve(reference)!.Identity!.Subject);
        Assert.Null(_fx.Validator().Resolve(reference));
        Assert.Equal(1, validator.Verifications);

        _fx.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(validator.Resolve(reference));
    }

    [Fact]
    public async Task A_refused_token_is_never_resolved_by_its_reference()
    {
        var validator = _fx.Validator();
        foreach (var token in new[] { _fx.Issue(new TokenRequest([Roles.Reader]) { Audience = "elsewhere" }), _fx.Issue(new TokenRequest([Roles.Reader]) { Lifetime = TimeSpan.FromMinutes(1) }, SecurityFixtures.Start.AddHours(-1)),
                     "not.a.jwt" })
        {
            Assert.False((await validator.ValidateAsync(token)).IsValid);
            Assert.Null(validator.Resolve(TokenReference.Of(token)));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_but_a_reference_resolves_to_nothing(string? reference) => Assert.Null(_fx.Validator().Resolve(reference));

    [Fact]
    public void A_reference_is_the_base64url_sha256_of_the_token()
    {
        var token = _fx.Issue(Roles.Reader);
        var reference = TokenReference.Of(token);

        Assert.Equal(TokenReference.Length, reference.Length);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token))).TrimEnd('=').Replace('+', '-').Replace('/', '_'), reference);
        Assert.DoesNotContain(reference, token);
        Span<byte> digest = stackalloc byte[32];
        Assert.True(TokenReference.TryDecode(reference, digest));
    }

    [Fact]
    public async Task The_cache_stays_within_its_capacity()
    {
        var validator = _fx.Validator(capacity: 3);
        var tokens = Enumerable.Range(0, 7).Select(i => _fx.Issue(new TokenRequest([Roles.Reader]) { Subject = $"user-{i}" })).ToList();

        foreach (var token in tokens)
        {
            Assert.True((await validator.ValidateAsync(token)).IsValid);
            Assert.InRange(validator.CachedTokens, 1, 3);
        }
        Assert.Equal("user-6", (await validator.ValidateAsync(tokens[^1])).Identity!.Subject);
        Assert.Equal(7, validator.Verifications);
    }

    [Fact]
    public void Parameters_are_usable_by_jwt_bearer_as_they_are()
    {
        var parameters = TokenValidator.CreateParameters(_fx.Options, [_fx.PublicKey]);

        Assert.Equal(("unlearning", "unlearning"), (parameters.ValidIssuer, parameters.ValidAudience));
        Assert.Equal(["ES256"], parameters.ValidAlgorithms);
        Assert.True(parameters.ValidateLifetime && parameters.RequireExpirationTime && parameters.RequireSignedTokens);
        Assert.Equal(TimeSpan.FromSeconds(30), parameters.ClockSkew);
        Assert.Equal(("sub", "roles"), (parameters.NameClaimType, parameters.RoleClaimType));
    }

    [Fact]
    public async Task Failure_reasons_are_short_and_never_echo_the_token()
    {
        var token = _fx.Issue(new TokenRequest([Roles.Reader]) { Issuer = "x" });
        var result = await _fx.Validator().ValidateAsync(token);

        Assert.DoesNotContain(token, result.Reason);
        Assert.DoesNotContain(token, result.ToString());
        var reasons = Enum.GetValues<TokenFailure>().Select(f => TokenValidation.Failed(f).Reason).ToList();
        Assert.Equal(["missing", "malformed", "bad signature", "expired", "not yet valid", "wrong issuer", "wrong audience", "no roles"], reasons);
    }

    private static JsonElement Json(string base64Url) => JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(base64Url)).RootElement;
}
