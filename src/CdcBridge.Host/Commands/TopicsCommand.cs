using System.CommandLine;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Schemas;
using Confluent.Kafka;

namespace CdcBridge.Host.Commands;

/// <summary><c>cdcbridge topics list|tail|produce</c>: kcat for Avro topics.</summary>
internal static class TopicsCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var command = new Command("topics", "List, read and write Kafka topics; Avro keys and values go through the Schema Registry.");
        cluster.AddTo(command);
        command.Subcommands.Add(CreateList(cluster));
        command.Subcommands.Add(CreateTail(cluster));
        command.Subcommands.Add(CreateProduce(cluster));
        return command;
    }

    private static Command CreateList(ClusterOptions cluster)
    {
        var command = new Command("list", "List topics with their partition counts.");
        command.SetAction((parse, ct) => CliError.GuardAsync("topics list", async () =>
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = await cluster.BootstrapAsync(parse, ct) }).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            foreach (var topic in metadata.Topics.Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal)).OrderBy(t => t.Topic, StringComparer.Ordinal))
            {
                Console.WriteLine($"{topic.Topic}\t{topic.Partitions.Count}");
            }

            return 0;
        }));
        return command;
    }

    private static Command CreateTail(ClusterOptions cluster)
    {
        var topic = new Argument<string>("topic") { Description = "The topic to read." };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest record (default: only new records)." };
        var max = new Option<int?>("--max") { Description = "Stop after this many records." };
        var exitAtEnd = new Option<bool>("--exit-at-end", "-e") { Description = "Stop when every partition is read to its end (like kcat -e)." };
        var format = new Option<string>("--format") { Description = "json (one object per record) or table.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "table");
        var command = new Command("tail", "Print a topic's records: key, value (Avro JSON), partition, offset, timestamp, headers.")
        {
            topic, fromBeginning, max, exitAtEnd, format,
        };
        command.SetAction((parse, ct) => CliError.GuardAsync("topics tail", async () =>
        {
            var name = parse.GetValue(topic)!;
            var bootstrap = await cluster.BootstrapAsync(parse, ct);
            using var registry = await TryRegistryAsync(cluster, parse, ct);
            var renderer = new RecordRenderer(registry);
            var partitions = PartitionsOf(bootstrap, name);
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = $"cdcbridge-tail-{Guid.NewGuid():N}", // never used for commits: partitions are assigned by hand
                EnableAutoCommit = false,
                EnablePartitionEof = true,
            }).Build();
            var start = parse.GetValue(fromBeginning) ? Offset.Beginning : Offset.End;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(name, p, start)));
            var limit = parse.GetValue(max);
            var atEnd = new HashSet<int>();
            var printed = 0;
            var table = parse.GetValue(format) == "table";
            while (!ct.IsCancellationRequested && (limit is null || printed < limit))
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null)
                {
                    continue;
                }

                if (record.IsPartitionEOF)
                {
                    atEnd.Add(record.Partition.Value);
                    if (parse.GetValue(exitAtEnd) && atEnd.Count == partitions.Count)
                    {
                        break;
                    }

                    continue;
                }

                atEnd.Remove(record.Partition.Value);
                Console.WriteLine(table ? await renderer.ToTableRowAsync(record) : await renderer.ToJsonAsync(record));
                printed++;
            }

            consumer.Close();
            return 0;
        }));
        return command;
    }

    private static Command CreateProduce(ClusterOptions cluster)
    {
        var topic = new Argument<string>("topic") { Description = "The topic to write." };
        var valueSchema = new Option<FileInfo>("--value-schema") { Description = "The value's Avro schema (.avsc).", Required = true };
        var keySchema = new Option<FileInfo?>("--key-schema")
        {
            Description = "The key's Avro schema (.avsc). With it each line is {\"key\": <Avro JSON>, \"value\": <Avro JSON>}; without it each line is the value and the key is null.",
        };
        var create = new Option<bool>("--create") { Description = "Let the broker auto-create a missing topic (the embedded broker gives it 4 partitions)." };
        var command = new Command("produce", "Write one record per stdin line, given in Avro's JSON encoding, in Confluent's wire format (registering the schemas).")
        {
            topic, valueSchema, keySchema, create,
        };
        command.SetAction((parse, ct) => CliError.GuardAsync("topics produce", async () =>
        {
            var name = parse.GetValue(topic)!;
            var value = LoadSchema(parse.GetValue(valueSchema)!, "value");
            var key = parse.GetValue(keySchema) is { } keyFile ? LoadSchema(keyFile, "key") : null;
            var bootstrap = await cluster.BootstrapAsync(parse, ct);
            if (!parse.GetValue(create))
            {
                PartitionsOf(bootstrap, name); // fails clearly on an unknown topic
            }

            // Every line is checked before anything is written: a bad line costs nothing.
            var records = await ReadRecordsAsync(Console.In, key, value, ct);
            using var registry = await cluster.RegistryAsync(parse, ct);
            var valueSerializer = new AvroSerializer(registry, value);
            var keySerializer = key is null ? null : new AvroSerializer(registry, key);
            using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
            {
                BootstrapServers = bootstrap,
                EnableIdempotence = true,
                Acks = Acks.All,
                LingerMs = 5,
            }).Build();
            foreach (var (k, v) in records)
            {
                var keyBytes = keySerializer is null ? null : await keySerializer.SerializeAsync(k, new SerializationContext(MessageComponentType.Key, name));
                var valueBytes = await valueSerializer.SerializeAsync(v, new SerializationContext(MessageComponentType.Value, name));
                producer.Produce(name, new Message<byte[]?, byte[]> { Key = keyBytes, Value = valueBytes }, report =>
                {
                    if (report.Error.IsError)
                    {
                        Console.Error.WriteLine($"cdcbridge topics produce: delivery failed: {report.Error.Reason}");
                    }
                });
            }

            var undelivered = producer.Flush(TimeSpan.FromSeconds(30));
            if (undelivered > 0)
            {
                throw new CliError($"{undelivered} of {records.Count} records were not acknowledged within 30 s.");
            }

            await Console.Error.WriteLineAsync($"Produced {records.Count} records to {name}.");
            return 0;
        }));
        return command;
    }

    private static async Task<List<(object? Key, object? Value)>> ReadRecordsAsync(TextReader input, AvroSchema? key, AvroSchema value, CancellationToken ct)
    {
        var records = new List<(object?, object?)>();
        var number = 0;
        while (await input.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (key is null)
                {
                    records.Add((null, AvroJsonDecoder.Decode(value, line)));
                    continue;
                }

                var node = System.Text.Json.Nodes.JsonNode.Parse(line) as System.Text.Json.Nodes.JsonObject
                    ?? throw new AvroTypeException("with --key-schema a line is {\"key\": ..., \"value\": ...}");
                records.Add((AvroJsonDecoder.Decode(key, node["key"]), AvroJsonDecoder.Decode(value, node["value"])));
            }
            catch (Exception e) when (e is AvroTypeException or System.Text.Json.JsonException)
            {
                throw new CliError($"line {number}: {e.Message} (nothing was produced)");
            }
        }

        return records;
    }

    private static AvroSchema LoadSchema(FileInfo file, string what)
    {
        if (!file.Exists)
        {
            throw new CliError($"the {what} schema file {file.FullName} does not exist.", 2);
        }

        try
        {
            return AvroSchema.Parse(File.ReadAllText(file.FullName));
        }
        catch (AvroSchemaException e)
        {
            throw new CliError($"the {what} schema {file.Name} is not a valid Avro schema: {e.Message}", 2);
        }
    }

    private static List<int> PartitionsOf(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        // All topics, not this one: asking a broker about one topic can auto-create it (the embedded one does).
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code == ErrorCode.UnknownTopicOrPart || found.Partitions.Count == 0)
        {
            throw new CliError($"topic '{topic}' does not exist (see 'cdcbridge topics list').");
        }

        return found.Partitions.Select(p => p.PartitionId).Order().ToList();
    }

    private static async Task<Avro.Registry.SchemaRegistryClient?> TryRegistryAsync(ClusterOptions cluster, ParseResult parse, CancellationToken ct)
    {
        try
        {
            return await cluster.RegistryAsync(parse, ct);
        }
        catch (CliError)
        {
            return null; // without a registry, Avro values show as raw bytes
        }
    }
}
