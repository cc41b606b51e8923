namespace BorderWatch.Server.Apis;

/// <summary>RFC 7807 problem details that name the field at fault.</summary>
public static class Problems
{
    public static IResult Status(int status, string field, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?> { ["field"] = field };
        if (extensions is not null) foreach (var (k, v) in extensions) all[k] = v;
        return Results.Problem(detail: detail, statusCode: status, extensions: all);
    }

    public static IResult BadRequest(string field, string detail) => Status(StatusCodes.Status400BadRequest, field, detail);

    public static IResult NotFound(string what, string id) => Status(StatusCodes.Status404NotFound, what, $"There is no {what} '{id}'.");
}
