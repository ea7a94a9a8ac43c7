using CdcBridge.DevStack;
using CdcBridge.DevStack.Demo;
using CdcBridge.Host.Sidecar;
using Microsoft.Extensions.Logging;

namespace CdcBridge.Host.Commands;

/// <summary>One run of the embedded stack: start, announce, show status, and stop everything on cancellation.</summary>
internal static class DevSession
{
    public static async Task<int> RunAsync(StackOptions options, bool live, double demoRate, CancellationToken ct)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Information)
            // Every SQL command and HTTP request of the embedded parts is noise in the stack's log; their warnings are not.
            .AddFilter("Npgsql", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting", LogLevel.Warning));
        var logger = loggerFactory.CreateLogger("cdcbridge.dev");
        var state = Path.GetFullPath(options.StateDirectory);
        var pidFile = StateDirectory.PidFile(state);
        if (DevStopper.RunningPid(state) is { } other)
        {
            await Console.Error.WriteLineAsync($"cdcbridge dev: a stack already runs from {state} (pid {other}). Stop it with 'make down'.");
            return 1;
        }

        EmbeddedStack stack;
        try
        {
            stack = await EmbeddedStack.StartAsync(options, loggerFactory, ct);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception e)
        {
            // One clear line for the user; the full trace only when asked for.
            await Console.Error.WriteLineAsync($"cdcbridge dev: could not start the stack: {e.Message}");
            if (Environment.GetEnvironmentVariable("CDCBRIDGE_DEBUG") is { Length: > 0 })
            {
                await Console.Error.WriteLineAsync(e.ToString());
            }

            return 1;
        }

        await using (stack)
        {
            // The sidecar proper. The embedded broker is new on every start: a new epoch rebuilds the projection from it.
            AvailabilitySidecar sidecar;
            var epoch = Guid.NewGuid().ToString("N");
            IReadOnlyList<ShopifyStoreSettings> stores;
            try
            {
                stores = await DevStores.FromStackAsync(stack, ct);
                sidecar = await AvailabilitySidecar.StartAsync(stack.Endpoints.Kafka.Bootstrap, stack.Endpoints.SchemaRegistry!.Url,
                    stack.Endpoints.Postgres.Sidecar, epoch, stores, loggerFactory, ct);
            }
            catch (OperationCanceledException)
            {
                return 130;
            }

            await using var running = sidecar;
            OrdersSidecar orders;
            try
            {
                orders = await OrdersSidecar.StartAsync(DevOrders.Settings(stack, stores), stack.Endpoints.Kafka.Bootstrap, stack.Endpoints.SchemaRegistry!.Url,
                    stack.Endpoints.Postgres.Sidecar, new Configuration.ProjectionSection { Epoch = epoch }, sidecar.Clients, loggerFactory, ct);
                await stack.PublishWebhooksAsync(orders.WebhooksUrl, ct);
            }
            catch (OperationCanceledException)
            {
                return 130;
            }

            await using var takingOrders = orders;
            await using var demo = demoRate > 0 ? new DemoWorkload(stack.Endpoints.Postgres.Odoo, stack.Shopify, demoRate, loggerFactory.CreateLogger("cdcbridge.demo")) : null;
            demo?.Start();
            Directory.CreateDirectory(state);
            await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
            try
            {
                StackReport.Print(stack, state);
                var statusFile = CaptureStatus.WriteLoopAsync(stack, state, ct);
                try
                {
                    await StatusView.RunAsync(stack, sidecar, takingOrders, demo, live, ct);
                }
                finally
                {
                    await statusFile.ContinueWith(_ => { }, TaskScheduler.Default); // ends with the session's cancellation
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C, SIGTERM or 'cdcbridge dev stop': fall through to the orderly stop.
            }
            finally
            {
                Console.WriteLine("Stopping the embedded stack...");
                File.Delete(pidFile);
                File.Delete(Path.Combine(state, CaptureStatus.FileName));
            }
        }

        Console.WriteLine("Stopped.");
        return 0;
    }
}
