using System.Text.Json.Nodes;
using CdcBridge.Orders.Odoo;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Odoo;

/// <summary>What load() answers: data errors as messages (permanent), lost races told apart from them.</summary>
public sealed class OdooLoadResultTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_data_error_comes_back_as_a_message_that_is_no_race_and_writes_nothing()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client();
        var orders = await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order", Ct);

        var answer = await client.ExecuteKwAsync("sale.order", "load",
            [new JsonArray("id", "partner_id/.id", "client_order_ref"), new JsonArray(new JsonArray("cdcbridge.load_test_1", "987654321", "#1"))], null, Ct);
        var load = OdooLoadResult.Parse(answer);

        load.Succeeded.Should().BeFalse();
        load.LostRace.Should().BeFalse();
        load.Ids.Should().BeEmpty();
        load.Describe().Should().Contain("987654321");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order", Ct)).Should().Be(orders);
        (await scope.ScalarAsync<long>("SELECT count(*) FROM ir_model_data WHERE name = 'load_test_1'", Ct)).Should().Be(0);
    }

    [Theory]
    [InlineData("could not serialize access due to concurrent update\n", true)]
    [InlineData("duplicate key value violates unique constraint \"ir_model_data_module_name_uniq_index\"", true)]
    [InlineData("No matching record found for database id '7' in field 'Product'", false)]
    public void Lost_races_are_told_apart_from_data_errors(string message, bool race)
    {
        var answer = new JsonObject
        {
            ["ids"] = false,
            ["messages"] = new JsonArray(new JsonObject { ["type"] = "error", ["message"] = message, ["record"] = 0 }),
        };

        var load = OdooLoadResult.Parse(answer);

        load.Succeeded.Should().BeFalse();
        load.LostRace.Should().Be(race);
    }

    [Fact]
    public void A_load_that_created_records_answers_their_ids()
    {
        var load = OdooLoadResult.Parse(new JsonObject { ["ids"] = new JsonArray(41, 42), ["messages"] = new JsonArray(), ["nextrow"] = 0 });

        load.Succeeded.Should().BeTrue();
        load.Ids.Should().Equal(41, 42);
    }
}
