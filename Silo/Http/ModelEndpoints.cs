using Unlearning.Client;
using Unlearning.Client.Calls;
using Unlearning.Client.Csv;
using Unlearning.Client.Json;
using Unlearning.Client.Operations;

namespace Unlearning.Silo.Http;

/// <summary>
/// The HTTP API's operations on a model, each the CLI command of the same name: the same validation (the client
/// library's CSV reader), the same calls (a staged, all-or-nothing ingest), the same JSON documents in reply.
/// </summary>
internal sealed class ModelEndpoints(IGrainFactory grains, HttpApiOptions options)
{
    public const string Route = "/v1/models/{model}";

    public async Task<IResult> Create(string model, HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, options.MaxBodyBytes, BodyKind.Json);
        var config = CreateModelRequest.Parse(body.Bytes).ToConfig(ValidName(model), options.CsvLimits);
        var created = await Model(model, http).Create(config);
        return TypedResults.Json(ConfigDocument.From(created), JsonContract.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// A CSV body of records (id, optional subject, label and the model's features), all or nothing: staged batch by batch
    /// as it is read and committed once the whole body is in; a bad row aborts, and nothing of the body joins the model.
    /// </summary>
    public async Task<IResult> Ingest(string model, string? ingestId, HttpContext http)
    {
        if (ingestId is not null && !ModelLimits.IsValidId(ingestId))
            throw ApiInputException.BadRequest($"ingestId must have 1 to {ModelLimits.MaxIdLength} characters");
        var body = await RequestBody.ReadAsync(http, options.MaxBodyBytes, BodyKind.Csv);
        var grain = Model(model, http);
        using var source = body.Csv(options.CsvLimits);
        var config = await grain.GetConfig();
        var outcome = await Ingestion.FromCsvAsync(grain, config, ingestId ?? Guid.NewGuid().ToString("N"), source, http.RequestAborted);
        return TypedResults.Json(new IngestDocument(outcome.Model, outcome.Accepted, outcome.Records, outcome.Unchanged), JsonContract.Options);
    }

    public async Task<IResult> Train(string model, HttpContext http) =>
        TypedResults.Json(TrainDocument.From(await Model(model, http).Train()), JsonContract.Options);

    /// <summary>Rows as JSON (<see cref="JsonRows"/>) or CSV (id and the features; a label column is ignored): the CLI's JSON lines, in an array.</summary>
    public async Task<IResult> Predict(string model, HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, options.MaxBodyBytes, BodyKind.Json, BodyKind.Csv);
        var grain = Model(model, http);
        var predictions = new List<PredictionDocument>();
        if (body.Kind == BodyKind.Csv)
        {
            using var records = body.Records(options.CsvLimits);
            var config = await grain.GetConfig();
            var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Ignored, config.FeatureNames);
            foreach (var batch in records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount)))
                await PredictAsync(grain, config, batch.Ids, batch.Features, predictions);
        }
        else
        {
            var config = await grain.GetConfig();
            var (ids, features) = JsonRows.Read(body.Bytes, config.FeatureNames);
            var size = Batches.RowsFor(config.FeatureCount);
            for (var start = 0; start < ids.Length; start += size)
            {
                var end = Math.Min(start + size, ids.Length);
                await PredictAsync(grain, config, ids[start..end], features[start..end], predictions);
            }
        }
        return TypedResults.Json(predictions, JsonContract.Options);
    }

    public async Task<IResult> Forget(string model, HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, options.MaxBodyBytes, BodyKind.Json);
        var subject = ForgetRequest.SubjectOf(body.Bytes);
        return TypedResults.Json(ReceiptDocument.ToJson(await Model(model, http).Forget(subject)), JsonContract.Options);
    }

    public async Task<IResult> Status(string model, HttpContext http) =>
        TypedResults.Json(StatusDocument.From(await Model(model, http).GetStatus()), JsonContract.Options);

    private static async Task PredictAsync(IModelGrain grain, ModelConfig config, IReadOnlyList<string> ids, double[][] rows, List<PredictionDocument> into)
    {
        var answer = await grain.Predict(rows);
        Batches.CheckAnswered(answer.Predictions.Length, rows.Length, "predictions");
        for (var i = 0; i < rows.Length; i++)
            into.Add(PredictionDocument.From(config, ids[i], new AnsweredPrediction(answer.Predictions[i], answer.ShardsUsed.Length)));
    }

    /// <summary>The model's grain, its calls bounded by the request: they stop waiting when the caller goes away.</summary>
    private IModelGrain Model(string model, HttpContext http) =>
        new GuardedModelGrain(ReplicaServedModel.Of(grains, ValidName(model)), http.RequestAborted, Policy);

    /// <summary>The client library's default call policy: reads tried again on a silo's loss, writes never resent.</summary>
    private static readonly CallPolicy Policy = CallPolicy.Create(new UnlearningResilienceOptions());

    private static string ValidName(string model) => ModelLimits.IsValidName(model)
        ? model
        : throw ApiInputException.BadRequest($"invalid model name {Quoted.Value(model)}: use {ModelLimits.NameRule}");
}
