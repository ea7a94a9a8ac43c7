using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// Turns every failure into Confluent's error body <c>{"error_code": N, "message": "..."}</c>: registry errors with their
/// codes, unmatched routes as 404/405, malformed requests as 400, anything else as 50001.
/// </summary>
internal sealed partial class RegistryErrorMiddleware(ILogger logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
            {
                var unmatched = context.Response.StatusCode == StatusCodes.Status404NotFound
                    ? RegistryException.NotFound()
                    : RegistryException.MethodNotAllowed();
                await WriteAsync(context, unmatched);
            }
        }
        catch (RegistryException e)
        {
            await WriteAsync(context, e);
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, new RegistryException(e.StatusCode, e.Message));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
#pragma warning disable CA1031 // The boundary of a server: any failure becomes a 500 answer, not a dropped connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailure(logger, context.Request.Method, context.Request.Path, e);
            await WriteAsync(context, new RegistryException(50001, $"Error in the backend data store: {e.Message}"));
        }
    }

    private static async Task WriteAsync(HttpContext context, RegistryException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = error.HttpStatus;
        context.Response.ContentType = RegistryResponses.ContentType;
        await JsonSerializer.SerializeAsync(
            context.Response.Body,
            new RegistryResponses.Error(error.ErrorCode, error.Message),
            RegistryResponses.Json,
            context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Schema registry: {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, PathString path, Exception exception);
}
