using System.CommandLine;
using Unlearning.Client.Security;

namespace Unlearning.Cli.Commands;

internal static class TokenCommand
{
    public static Command Create(CliContext cli)
    {
        var signingKey = new Option<string>("--signing-key")
        {
            Description = "PEM private key that signs the token (DIR/signing.key from dev-setup): ECDSA P-256 signs ES256, RSA RS256",
            HelpName = "FILE",
            Required = true,
        };
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role the token grants (repeatable): {string.Join(", ", Roles.All)}",
            HelpName = "ROLE",
            Required = true,
        };
        roles.Validators.Add(result =>
        {
            foreach (var role in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Roles.IsKnown(role))
                {
                    result.AddError($"unknown role '{role}': the roles are {string.Join(", ", Roles.All)}");
                    return;
                }
            }
        });
        // Text, not a TimeSpan, so that help shows the default as it is typed (1h).
        var expires = new Option<string>("--expires")
        {
            Description = $"How long the token is valid: e.g. 30m, 1h, 7d; at most {TokenLifetime.Format(TokenLifetime.Max)}",
            HelpName = "DURATION",
            DefaultValueFactory = _ => TokenLifetime.Format(TokenLifetime.Default),
        };
        expires.Validators.Add(result =>
        {
            if (!TokenLifetime.TryParse(result.GetValueOrDefault<string>(), out _, out var problem))
                result.AddError($"--expires: {problem}");
        });
        var issuer = Text("--issuer", "The token's issuer (iss); silos accept only their configured one", TokenDefaults.Issuer);
        var audience = Text("--audience", "The token's audience (aud); silos accept only their configured one", TokenDefaults.Audience);
        var subject = Text("--subject", "Who the token is for (sub): a person or a workload, recorded with what they do", TokenDefaults.Subject);
        var command = new Command("token", "Print a signed token (JWT) granting roles to a caller (no cluster needed)")
        {
            signingKey, roles, expires, issuer, audience, subject,
        };
        command.SetAction((parse, cancellationToken) => cli.RunLocalAsync(parse, cancellationToken, (output, _) =>
        {
            using var tokens = TokenIssuer.FromPemFile(parse.GetRequiredValue(signingKey));
            output.Token(tokens.Issue(new TokenRequest(parse.GetRequiredValue(roles))
            {
                Lifetime = TokenLifetime.Parse(parse.GetRequiredValue(expires)),
                Issuer = parse.GetRequiredValue(issuer),
                Audience = parse.GetRequiredValue(audience),
                Subject = parse.GetRequiredValue(subject),
            }));
            return Task.CompletedTask;
        }));
        return command;
    }

    private static Option<string> Text(string name, string description, string defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
                result.AddError($"{name} must not be empty");
        });
        return option;
    }
}
