using System.Net;
using System.Text;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests.Registry;

/// <summary>The client's HTTP behaviour against scripted answers (the REST conformance runs against the embedded registry).</summary>
public sealed class SchemaRegistryClientTests
{
    private static readonly AvroSchema Schema = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""");

    [Fact]
    public async Task Server_errors_are_retried_and_the_answer_is_cached_both_ways()
    {
        var handler = new ScriptedHandler(
            (HttpStatusCode.ServiceUnavailable, """{"error_code":50003,"message":"busy"}"""),
            (HttpStatusCode.InternalServerError, "oops"),
            (HttpStatusCode.OK, """{"id":42}"""));
        using var client = NewClient(handler);

        (await client.RegisterAsync("t-value", Schema, TestContext.Current.CancellationToken)).Should().Be(42);
        (await client.RegisterAsync("t-value", Schema, TestContext.Current.CancellationToken)).Should().Be(42);
        (await client.GetByIdAsync(42, TestContext.Current.CancellationToken)).ToJson().Should().Be(Schema.ToJson());

        handler.Requests.Should().HaveCount(3, "two failures retried, then both caches answer");
        handler.Requests[0].Should().Be("POST /subjects/t-value/versions {\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}\"}");
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, 40401, "Subject 'x' not found.", "Subject not found (40401)")]
    [InlineData(HttpStatusCode.NotFound, 40402, "Version 9 not found.", "Version not found (40402)")]
    [InlineData(HttpStatusCode.NotFound, 40403, "Schema not found", "Schema not found (40403)")]
    [InlineData(HttpStatusCode.UnprocessableEntity, 42201, "Invalid schema", "Invalid schema (42201)")]
    [InlineData(HttpStatusCode.Conflict, 409, "Schema being registered is incompatible", "Incompatible schema (409)")]
    public async Task Client_errors_fail_at_once_with_confluents_code_and_a_clear_message(HttpStatusCode status, int code, string message, string expected)
    {
        var handler = new ScriptedHandler((status, $$"""{"error_code":{{code}},"message":"{{message}}"}"""));
        using var client = NewClient(handler);

        var act = () => client.GetLatestAsync("x", TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<SchemaRegistryException>()).Which;
        error.ErrorCode.Should().Be(code);
        error.HttpStatus.Should().Be((int)status);
        error.Message.Should().StartWith(expected).And.Contain(message);
        handler.Requests.Should().HaveCount(1, "4xx answers are not retried");
    }

    [Fact]
    public async Task Basic_and_bearer_credentials_go_in_the_authorization_header()
    {
        var basic = new ScriptedHandler((HttpStatusCode.OK, "[]"));
        using (var client = new SchemaRegistryClient(new SchemaRegistryOptions { Url = "http://registry.test", BasicAuthUserInfo = "user:secret" }, new HttpClient(basic)))
        {
            await client.GetSubjectsAsync(TestContext.Current.CancellationToken);
        }

        basic.Authorization.Should().Be("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:secret")));

        var bearer = new ScriptedHandler((HttpStatusCode.OK, "[]"));
        using (var client = new SchemaRegistryClient(new SchemaRegistryOptions { Url = "http://registry.test", BearerToken = "tok" }, new HttpClient(bearer)))
        {
            await client.GetSubjectsAsync(TestContext.Current.CancellationToken);
        }

        bearer.Authorization.Should().Be("Bearer tok");
    }

    [Fact]
    public void A_message_without_confluents_framing_is_refused_with_an_explanation()
    {
        var act = () => ConfluentWireFormat.ReadHeader([1, 0, 0, 0, 7, 2], out _);
        act.Should().Throw<InvalidDataException>().WithMessage("*magic byte 0*0x01*");
        var framed = new byte[7];
        ConfluentWireFormat.WriteHeader(framed, 258);
        ConfluentWireFormat.ReadHeader(framed, out var payload).Should().Be(258);
        framed[..5].Should().Equal(0, 0, 0, 1, 2);
        payload.Length.Should().Be(2);
    }

    [Theory]
    [InlineData(SubjectNameStrategy.Topic, true, "orders-key")]
    [InlineData(SubjectNameStrategy.Topic, false, "orders-value")]
    [InlineData(SubjectNameStrategy.Record, false, "R")]
    [InlineData(SubjectNameStrategy.TopicRecord, false, "orders-R")]
    public void Subject_names_follow_confluents_strategies(SubjectNameStrategy strategy, bool isKey, string subject) =>
        SubjectNames.For(strategy, "orders", isKey, Schema).Should().Be(subject);

    private static SchemaRegistryClient NewClient(ScriptedHandler handler) =>
        new(new SchemaRegistryOptions { Url = "http://registry.test/", RetryBaseDelay = TimeSpan.FromMilliseconds(1) }, new HttpClient(handler));

    private sealed class ScriptedHandler(params (HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<string> Requests { get; } = [];

        public string? Authorization { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : " " + await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath}{body}");
            Authorization = request.Headers.Authorization?.ToString();
            var (status, text) = answers[Math.Min(_next++, answers.Length - 1)];
            return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/vnd.schemaregistry.v1+json") };
        }
    }
}
