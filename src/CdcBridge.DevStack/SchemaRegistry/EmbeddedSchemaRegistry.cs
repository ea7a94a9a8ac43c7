using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// A Schema Registry speaking Confluent's REST API (Avro only) on <c>http://127.0.0.1:PORT</c>, its schemas kept in the
/// <c>schema_registry</c> schema of a PostgreSQL database: a new instance on the same database serves the same ids and
/// versions, and several instances may share one database.
/// </summary>
public sealed partial class EmbeddedSchemaRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RegistryDatabase _database;
    private int _disposed;

    private EmbeddedSchemaRegistry(WebApplication app, RegistryDatabase database, string url)
    {
        _app = app;
        _database = database;
        Url = url;
    }

    /// <summary>Absolute base URL, <c>http://127.0.0.1:PORT</c>, without a trailing slash.</summary>
    public string Url { get; }

    /// <summary>Creates the registry's tables in <paramref name="connectionString"/>'s database if missing and starts serving on a free port.</summary>
    public static async Task<EmbeddedSchemaRegistry> StartAsync(string connectionString, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<EmbeddedSchemaRegistry>();
        var database = RegistryDatabase.Create(connectionString, loggerFactory);
        WebApplication? app = null;
        try
        {
            await database.EnsureTablesAsync(ct);
            app = BuildApp(new SchemaRegistryService(database), loggerFactory, logger);
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            var url = address.TrimEnd('/');
            LogStarted(logger, url);
            return new EmbeddedSchemaRegistry(app, database, url);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static WebApplication BuildApp(SchemaRegistryService registry, ILoggerFactory loggerFactory, ILogger logger)
    {
        // The empty builder reads no appsettings.json or environment: a Kestrel section meant for the host process must not
        // add endpoints here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmbeddedSchemaRegistry).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, RegistryHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        var errors = new RegistryErrorMiddleware(logger);
        app.Use(errors.InvokeAsync);
        app.UseRouting();
        new RegistryEndpoints(registry).Map(app);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema registry listening on {Url}")]
    private static partial void LogStarted(ILogger logger, string url);
}
