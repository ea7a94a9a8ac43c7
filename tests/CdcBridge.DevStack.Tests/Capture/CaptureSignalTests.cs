using CdcBridge.Capture;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>Signal-table rows read as Debezium's source channel reads them (Debezium's signalling docs).</summary>
public sealed class CaptureSignalTests
{
    [Fact]
    public void An_execute_snapshot_names_its_tables_as_schema_dot_table()
    {
        CaptureSignal.Parse("s1", "execute-snapshot", """{"data-collections":["public.stock_quant","stock_move"],"type":"incremental"}""")
            .Should().BeOfType<CaptureSignal.ExecuteSnapshot>()
            .Which.DataCollections.Should().Equal("public.stock_quant", "public.stock_move");
        CaptureSignal.Parse("s2", "execute-snapshot", """{"data-collections":["public.stock_quant"]}""")
            .Should().BeOfType<CaptureSignal.ExecuteSnapshot>("incremental is the default type");
    }

    [Fact]
    public void A_stop_snapshot_without_tables_stops_them_all()
    {
        CaptureSignal.Parse("s1", "stop-snapshot", """{"type":"incremental"}""")
            .Should().BeOfType<CaptureSignal.StopSnapshot>().Which.DataCollections.Should().BeEmpty();
        CaptureSignal.Parse("s2", "stop-snapshot", null)
            .Should().BeOfType<CaptureSignal.StopSnapshot>().Which.DataCollections.Should().BeEmpty();
    }

    [Fact]
    public void Watermarks_carry_their_chunk_id()
    {
        CaptureSignal.Parse("3f2a-open", "snapshot-window-open", "{}").Should().Be(new CaptureSignal.WindowOpen("3f2a"));
        CaptureSignal.Parse("3f2a-close", "snapshot-window-close", "{}").Should().Be(new CaptureSignal.WindowClose("3f2a"));
    }

    [Theory]
    [InlineData("execute-snapshot", "not json", "*not JSON*")]
    [InlineData("execute-snapshot", "[1]", "*not a JSON object*")]
    [InlineData("execute-snapshot", """{"type":"incremental"}""", "*names no table*")]
    [InlineData("execute-snapshot", """{"data-collections":"public.stock_quant"}""", "*array of table names*")]
    [InlineData("execute-snapshot", """{"data-collections":["public.stock_quant"],"type":"blocking"}""", "*type*blocking*not supported*")]
    [InlineData("execute-snapshot", """{"data-collections":["public.stock_quant"],"additional-conditions":[{"data-collection":"public.stock_quant","filter":"id > 5"}]}""", "*additional-conditions*")]
    [InlineData("execute-snapshot", """{"data-collections":["public.stock_quant"],"surrogate-key":"product_id"}""", "*surrogate-key*")]
    [InlineData("pause-snapshot", null, "*'pause-snapshot' is not supported*")]
    [InlineData("snapshot-window-open", "{}", "*-open or -close*")]
    public void A_signal_the_capture_cannot_honour_is_invalid_with_the_reason(string type, string? data, string reason)
    {
        CaptureSignal.Parse("x", type, data).Should().BeOfType<CaptureSignal.Invalid>().Which.Reason.Should().Match(reason);
    }
}
