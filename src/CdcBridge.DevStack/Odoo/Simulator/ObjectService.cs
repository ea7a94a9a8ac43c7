using System.Data;
using System.Text.Json.Nodes;
using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// The <c>object</c> service: <c>execute_kw(db, uid, password, model, method, args, kwargs)</c> dispatched as
/// <c>odoo.api.call_kw</c> does, each call in one REPEATABLE READ transaction, retried on serialization failures,
/// deadlocks and lock timeouts up to 5 tries with Odoo's randomised exponential backoff (scaled by
/// <see cref="OdooSimulatorOptions.RetryBackoffUnit"/>) before the error reaches the client. Integrity errors become
/// ValidationErrors as in <c>odoo.service.model._as_validation_error</c>.
/// </summary>
internal sealed class ObjectService(NpgsqlDataSource dataSource, OdooSimulatorOptions options)
{
    public const int MaxTriesOnConcurrencyFailure = 5;

    public async Task<(JsonNode? Result, int Tries)> ExecuteAsync(int uid, string modelName, string method, JsonArray args, JsonObject kwargs, CancellationToken ct)
    {
        if (method.StartsWith('_'))
        {
            throw OdooRpcException.Access($"Private methods (such as {method}) cannot be called remotely.");
        }

        if (!OdooModels.All.TryGetValue(modelName, out var model))
        {
            throw OdooRpcException.UserError($"Object {modelName} doesn't exist");
        }

        var context = kwargs["context"] as JsonObject ?? [];
        for (var tryNo = 1; ; tryNo++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            try
            {
                var cursor = new OdooCursor(connection, transaction, uid, (JsonObject)context.DeepClone());
                var result = await CallAsync(cursor, model, method, (JsonArray)args.DeepClone(), kwargs, ct);
                await transaction.CommitAsync(ct);
                return (result, tryNo);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                                                  or PostgresErrorCodes.LockNotAvailable)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                if (tryNo >= MaxTriesOnConcurrencyFailure)
                {
                    throw new OdooRpcException(e.SqlState switch
                    {
                        PostgresErrorCodes.SerializationFailure => OdooRpcException.SerializationFailureName,
                        PostgresErrorCodes.DeadlockDetected => "psycopg2.errors.DeadlockDetected",
                        _ => "psycopg2.errors.LockNotAvailable",
                    }, e.MessageText + "\n");
                }

                var wait = Random.Shared.NextDouble() * Math.Pow(2, tryNo) * options.RetryBackoffUnit.TotalMilliseconds;
                await Task.Delay(TimeSpan.FromMilliseconds(wait), options.TimeProvider, ct);
            }
            catch (PostgresException e) when (e.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                throw AsValidationError(e);
            }
        }
    }

    private static async Task<JsonNode?> CallAsync(OdooCursor cr, OdooModel model, string method, JsonArray args, JsonObject kwargs, CancellationToken ct)
    {
        var call = new Call(args, kwargs);
        switch (method)
        {
            case "search":
                return Ids(await RecordReader.SearchAsync(cr, model, call.Arg(0, "domain"), call.Int(1, "offset") ?? 0, call.Int(2, "limit"), call.String(3, "order"), ct));
            case "search_count":
                return await RecordReader.SearchCountAsync(cr, model, call.Arg(0, "domain"), ct);
            case "search_read":
                return await RecordReader.SearchReadAsync(cr, model, call.Arg(0, "domain"), call.Arg(1, "fields"), call.Int(2, "offset") ?? 0, call.Int(3, "limit"),
                    call.String(4, "order"), ct);
            case "read":
                return await RecordReader.ReadAsync(cr, model, call.RecordIds(), call.Arg(1, "fields"), ct);
            case "name_search":
                return await RecordReader.NameSearchAsync(cr, model, call.String(0, "name") ?? "", call.Arg(1, "args") ?? call.Arg(1, "domain"),
                    call.String(2, "operator") ?? "ilike", call.Int(3, "limit") ?? 100, ct);
            case "fields_get":
                return RecordReader.FieldsGet(model, call.Arg(0, "allfields"), call.Arg(1, "attributes"));
            case "exists":
                var wanted = call.RecordIds();
                return Ids(await cr.IdsAsync($"SELECT id FROM {model.Table} WHERE id = ANY($1) ORDER BY id", ct, wanted.ToArray()));
            case "create":
                return await CreateAsync(cr, model, call.Arg(0, "vals_list"), ct);
            case "write":
                var vals = call.Arg(1, "vals") as JsonObject ?? throw OdooRpcException.Type("write() missing 1 required positional argument: 'vals'");
                await WriteAsync(cr, model, call.RecordIds(), vals, ct);
                return true;
            case "load":
                if (model.Name is not ("sale.order" or "res.partner"))
                {
                    throw OdooRpcException.NotSimulated($"load() on {model.Name}");
                }

                return await ExternalIds.LoadAsync(cr, model, call.Arg(0, "fields") as JsonArray ?? [], call.Arg(1, "data") as JsonArray ?? [], ct);
            case "action_confirm" when model.Name == "sale.order":
                await SaleOrders.ConfirmAsync(cr, call.RecordIds(), ct);
                return true;
            case "action_cancel" when model.Name == "sale.order":
                return await SaleOrders.CancelAsync(cr, call.RecordIds(), ct);
            case "check_object_reference" when model.Name == "ir.model.data":
                return await ExternalIds.CheckObjectReferenceAsync(cr, call.String(0, "module") ?? "", call.String(1, "xml_id") ?? "", ct);
            case "unlink" or "copy" or "default_get" or "name_create" or "onchange":
                throw OdooRpcException.NotSimulated($"{model.Name}.{method}()");
            default:
                throw new OdooRpcException("builtins.AttributeError", $"The method '{method}' does not exist on the model '{model.Name}'");
        }
    }

    private static JsonArray Ids(IEnumerable<int> ids) => [.. ids.Select(i => (JsonNode?)JsonValue.Create(i))];

    private static async Task<JsonNode> CreateAsync(OdooCursor cr, OdooModel model, JsonNode? valsList, CancellationToken ct)
    {
        if (valsList is JsonArray list)
        {
            var ids = new JsonArray();
            foreach (var vals in list)
            {
                ids.Add(await CreateOneAsync(cr, model, vals as JsonObject ?? throw OdooRpcException.Value("create() takes a dict or a list of dicts"), ct));
            }

            return ids;
        }

        return await CreateOneAsync(cr, model, valsList as JsonObject ?? throw OdooRpcException.Value("create() takes a dict or a list of dicts"), ct);
    }

    private static async Task<int> CreateOneAsync(OdooCursor cr, OdooModel model, JsonObject vals, CancellationToken ct)
    {
        vals = (JsonObject)vals.DeepClone();
        switch (model.Name)
        {
            case "res.partner":
                return await Partners.CreateAsync(cr, vals, ct);
            case "sale.order":
                return await SaleOrders.CreateAsync(cr, vals, ct);
            case "sale.order.line":
                var order = OdooValues.TryInt(vals["order_id"], out var o) ? o : throw SaleOrders.NotNull(model, "order_id");
                await RecordWriter.CheckExistsAsync(cr, OdooModels.All["sale.order"], [o], ct);
                var created = new List<int>();
                await SaleOrders.LineCommandsAsync(cr, order, [new JsonArray(0, 0, vals)], ct, created);
                await SaleOrders.AmountsAsync(cr, order, ct);
                return created[0];
            case "account.tax":
                return await AccountTaxes.CreateAsync(cr, vals, ct);
            case "ir.model.data":
                var (columns, _) = await RecordWriter.ValuesAsync(cr, model, vals, ct);
                columns.TryAdd("noupdate", false);
                return await RecordWriter.InsertAsync(cr, model, columns, ct);
            default:
                throw OdooRpcException.NotSimulated($"{model.Name}.create()");
        }
    }

    private static async Task WriteAsync(OdooCursor cr, OdooModel model, List<int> ids, JsonObject vals, CancellationToken ct)
    {
        vals = (JsonObject)vals.DeepClone();
        switch (model.Name)
        {
            case "res.partner":
                await Partners.WriteAsync(cr, ids, vals, ct);
                break;
            case "sale.order":
                await SaleOrders.WriteAsync(cr, ids, vals, ct);
                break;
            case "sale.order.line":
                foreach (var group in (await cr.RowsAsync("SELECT id, order_id FROM sale_order_line WHERE id = ANY($1)", ct, ids.ToArray())).GroupBy(r => (int)r[1]!))
                {
                    await SaleOrders.LineCommandsAsync(cr, group.Key, [.. group.Select(r => (JsonNode?)new JsonArray(1, (int)r[0]!, vals.DeepClone()))], ct);
                    await SaleOrders.AmountsAsync(cr, group.Key, ct);
                }

                break;
            case "account.tax":
                await AccountTaxes.WriteAsync(cr, ids, vals, ct);
                break;
            case "ir.model.data":
                await RecordWriter.CheckExistsAsync(cr, model, ids, ct);
                var (columns, _) = await RecordWriter.ValuesAsync(cr, model, vals, ct);
                await RecordWriter.UpdateAsync(cr, model, ids, columns, ct);
                break;
            default:
                throw OdooRpcException.NotSimulated($"{model.Name}.write()");
        }
    }

    /// <summary><c>_as_validation_error</c>: NOT NULL, foreign key and constraint violations as Odoo words them.</summary>
    private static OdooRpcException AsValidationError(PostgresException e)
    {
        var model = OdooModels.All.Values.FirstOrDefault(m => m.Table == e.TableName);
        if (e.SqlState == PostgresErrorCodes.NotNullViolation && model is not null)
        {
            var field = model.Fields.Values.FirstOrDefault(f => f.Column == e.ColumnName);
            return OdooRpcException.Validation("The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
                + "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
                + $"Model: {model.Description} ({model.Name})\nField: {field?.Label ?? "Unknown"} ({field?.Name ?? e.ColumnName})\n");
        }

        if (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return OdooRpcException.Validation("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n"
                + $"Model: {model?.Description ?? "Unknown"} ({model?.Name ?? "unknown"})\nConstraint: {e.ConstraintName}\n");
        }

        return OdooRpcException.Validation(e.ConstraintName switch
        {
            "res_partner_check_name" => "The operation cannot be completed: Contacts require a name",
            _ => "The operation cannot be completed: " + e.MessageText + (e.Detail is { } d ? "\nDETAIL:  " + d : "") + "\n",
        });
    }

    /// <summary>Positional args and keyword args of one call, as Python binds them.</summary>
    private sealed class Call(JsonArray args, JsonObject kwargs)
    {
        public JsonNode? Arg(int position, string name) => position < args.Count ? args[position] : kwargs[name];

        public int? Int(int position, string name) => Arg(position, name) is { } v && !OdooValues.IsFalse(v) ? OdooValues.Int(v, name) : null;

        public string? String(int position, string name) => OdooValues.String(Arg(position, name));

        /// <summary>A record method's ids (args[0]): one id or a list.</summary>
        public List<int> RecordIds() => Arg(0, "ids") switch
        {
            JsonArray list => [.. list.Select(i => OdooValues.Int(i, "ids"))],
            null => throw OdooRpcException.Type("missing the record ids (args[0])"),
            var single => [OdooValues.Int(single, "ids")],
        };
    }
}
