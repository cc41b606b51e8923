using Azure;
using BorderWatch.Server.Apis;
using Microsoft.AspNetCore.Diagnostics;

namespace BorderWatch.Server.Hosting;

/// <summary>
/// A silo that just died, a call that timed out, storage that does not answer: the request may well succeed in a
/// moment, so the answer is 503 with Retry-After, not 500.
/// </summary>
public sealed class UnavailableHandler(ILogger<UnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellation)
    {
        if (!IsTransient(exception)) return false;
        logger.LogWarning(exception, "{Method} {Path}: cluster or storage unavailable", context.Request.Method, context.Request.Path);
        context.Response.Headers.RetryAfter = "2";
        await Problems.Status(StatusCodes.Status503ServiceUnavailable, "cluster",
            "The cluster or its storage did not answer (a silo may be restarting); try again in a few seconds.").ExecuteAsync(context);
        return true;
    }

    private static bool IsTransient(Exception? e) => e switch
    {
        null => false,
        OrleansException or TimeoutException or RequestFailedException or HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => IsTransient(e.InnerException),
    };
}
