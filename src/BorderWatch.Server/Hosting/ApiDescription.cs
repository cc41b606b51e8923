using BorderWatch.Server.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BorderWatch.Server.Hosting;

/// <summary>
/// The OpenAPI document at /openapi/v1.json (Microsoft.AspNetCore.OpenApi, from the endpoints themselves), with the
/// two ways to authenticate and the problem details every endpoint may answer.
/// </summary>
public static class ApiDescription
{
    public const string DocumentPath = "/openapi/v1.json";

    public static void AddApiDescription(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "BorderWatch",
                Version = "v1",
                Description = "Detections and positions in, counts, alerts and live updates out. Every record belongs to a scenario (query parameter `scenario`, default `live`).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [ApiKeyHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyHandler.Header,
                    Description = "An API key (feeder, operator or admin)",
                },
                ["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                    Description = "A token from the configured identity provider (BorderWatch:Auth:Jwt)",
                },
            };
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyHandler.SchemeName, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] },
            ];
            return Task.CompletedTask;
        });
    });

    /// <summary>
    /// The records an ingest endpoint reads itself, as JSON or NDJSON, in the document only: Accepts metadata would
    /// also make routing refuse other content types before the endpoint can answer its own 415 problem.
    /// </summary>
    public static RouteHandlerBuilder AcceptsRecords<T>(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T[]), null, cancellation);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "A JSON array of records, or NDJSON: one record a line",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schema },
                    ["application/x-ndjson"] = new() { Schema = schema },
                },
            };
        });

    /// <summary>The problems any API endpoint may answer, named in the document.</summary>
    public static RouteGroupBuilder WithProblems(this RouteGroupBuilder api)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 429, 503 }) api.ProducesProblem(status);
        return api;
    }
}
