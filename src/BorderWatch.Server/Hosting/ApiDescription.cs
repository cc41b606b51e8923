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
        // Geometries are written by NetTopologySuite's GeoJSON converter, not from the class's own properties.
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (!typeof(NetTopologySuite.Geometries.Geometry).IsAssignableFrom(context.JsonTypeInfo.Type)) return Task.CompletedTask;
            schema.Type = JsonSchemaType.Object;
            schema.Description = "A GeoJSON geometry (RFC 7946), longitude before latitude";
            schema.Required = new HashSet<string> { "type", "coordinates" };
            schema.Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Point, Polygon, MultiPolygon, ..." },
                ["coordinates"] = new OpenApiSchema { Type = JsonSchemaType.Array, Description = "Nested arrays of [lon, lat]" },
            };
            schema.AdditionalPropertiesAllowed = true;
            return Task.CompletedTask;
        });
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

    /// <summary>A text/plain body an endpoint reads itself (in the document only, as for <see cref="AcceptsRecords{T}"/>).</summary>
    public static RouteHandlerBuilder AcceptsText(this RouteHandlerBuilder endpoint, string description) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
            return Task.CompletedTask;
        });

    /// <summary>An export: NDJSON, each line a detection or a position record as accepted, with its "type".</summary>
    public static RouteHandlerBuilder ProducesRecords(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
        {
            var detection = await context.GetOrCreateSchemaAsync(typeof(Ingest.DetectionRecord), null, cancellation);
            var position = await context.GetOrCreateSchemaAsync(typeof(Ingest.PositionRecord), null, cancellation);
            operation.Responses ??= new OpenApiResponses();
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "NDJSON, merged by event time: one record a line, with \"type\": \"detection\" or \"position\"",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/x-ndjson"] = new() { Schema = new OpenApiSchema { OneOf = [detection, position] } },
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
