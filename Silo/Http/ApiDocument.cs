using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Unlearning.Silo.Http;

/// <summary>The OpenAPI document's title, and with tokens the bearer scheme every operation requires.</summary>
internal sealed class ApiDocument(bool tokens) : IOpenApiDocumentTransformer
{
    public const string Scheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Unlearning cluster HTTP API",
            Version = HttpApiSetup.DocumentName,
            Description = "Models trained on records that can be forgotten exactly. Errors are application/problem+json." +
                (tokens ? " Every operation needs a bearer token (JWT) with a role it allows." : ""),
        };
        if (!tokens)
            return Task.CompletedTask;

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token with a \"roles\" claim: reader, writer, forgetter, auditor or admin",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] });
        return Task.CompletedTask;
    }
}
