namespace CdcBridge.Host.Commands;

/// <summary>A failure the user can fix, reported as one line on stderr with a non-zero exit code (no stack trace).</summary>
internal sealed class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Runs a command body, turning expected failures into a message and an exit code.</summary>
    public static async Task<int> GuardAsync(string command, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliError e)
        {
            await Console.Error.WriteLineAsync($"cdcbridge {command}: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception e) when (e is Avro.Registry.SchemaRegistryException or global::Confluent.Kafka.KafkaException or HttpRequestException or IOException or Npgsql.NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"cdcbridge {command}: {e.Message}");
            return 1;
        }
    }
}
