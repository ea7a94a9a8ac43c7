namespace CdcBridge.Debezium.Tests;

public sealed class CaptureSettingsTests
{
    [Fact]
    public void The_connector_config_in_connect_gives_the_embedded_captures_settings()
    {
        var s = CaptureSettings.Odoo;
        s.TopicPrefix.Should().Be("odoo");
        s.SlotName.Should().Be("cdcbridge_odoo");
        s.PublicationName.Should().Be("cdcbridge_odoo");
        s.DecimalHandling.Should().Be(DecimalHandlingMode.Precise);
        s.TimePrecision.Should().Be(TimePrecisionMode.Adaptive);
        s.TombstonesOnDelete.Should().BeTrue();
        s.SkippedOperations.Should().BeEmpty("truncates are emitted");
        s.HeartbeatInterval.Should().Be(TimeSpan.FromSeconds(10));
        s.HeartbeatTopic.Should().Be("__debezium-heartbeat.odoo");
        s.SignalTable.Should().Be("public.cdcbridge_signal");
        s.TopicFor("public", "stock_quant").Should().Be("odoo.public.stock_quant");
    }

    [Theory]
    [InlineData("""{"config":{"connector.class":"io.debezium.connector.mysql.MySqlConnector","topic.prefix":"x","table.include.list":"a.b"}}""", "*not Debezium's PostgreSQL connector*")]
    [InlineData("""{"config":{"connector.class":"io.debezium.connector.postgresql.PostgresConnector","table.include.list":"a.b"}}""", "*topic.prefix*")]
    [InlineData("""{"config":{"connector.class":"io.debezium.connector.postgresql.PostgresConnector","topic.prefix":"x","table.include.list":"a.b","plugin.name":"decoderbufs"}}""", "*pgoutput only*")]
    [InlineData("""{"config":{"connector.class":"io.debezium.connector.postgresql.PostgresConnector","topic.prefix":"x","table.include.list":"a.b","decimal.handling.mode":"exact"}}""", "*decimal.handling.mode 'exact'*")]
    public void A_config_the_capture_cannot_honour_is_refused_with_the_reason(string json, string message)
    {
        var act = () => CaptureSettings.FromConnectorConfig(json);
        act.Should().Throw<FormatException>().WithMessage(message);
    }
}
