using System.Net;
using System.Net.Sockets;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>Without Kafka's ack a delivery is answered 503 and not logged, so Shopify's retry goes through.</summary>
public sealed class WebhookKafkaOutageTests(RegistryInfrastructure fixture)
{
    [Fact]
    public async Task Kafka_unreachable_is_answered_503_without_logging_and_the_retry_lands_once_kafka_is_back()
    {
        var webhookId = Guid.NewGuid().ToString();
        string topic;
        string sidecar;
        await using (var down = await IntakeHarness.StartAsync(fixture, o => o with { ProduceTimeout = TimeSpan.FromSeconds(2) }, kafkaBootstrap: $"127.0.0.1:{ClosedPort()}"))
        {
            topic = down.Topic;
            sidecar = down.Sidecar;

            var answer = await down.PostAsync(ShopifySample.Bytes(), webhookId);

            answer.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
            answer.Outcome.Should().Be("unavailable");
            (await down.LoggedAsync(webhookId)).Should().BeNull("a delivery Kafka did not take must not look accepted to the retry");
            down.RecordCount().Should().Be(0);
        }

        // Shopify's retry (same webhook id, same body) reaches a receiver whose Kafka is up, on the same log and topic.
        await using var up = await IntakeHarness.StartAsync(fixture, sidecar: sidecar, topic: topic);
        var retry = await up.PostAsync(ShopifySample.Bytes(), webhookId);

        retry.Outcome.Should().Be("accepted");
        up.RecordCount().Should().Be(1);
        (await up.LoggedAsync(webhookId)).Should().NotBeNull();
    }

    private static int ClosedPort()
    {
        // A port that was free a moment ago and has nobody listening now: connections to it are refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
