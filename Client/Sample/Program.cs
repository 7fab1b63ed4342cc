using Unlearning.Client;

// A platform service: predictions for its callers, and forgets when a patient withdraws consent.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddUnlearningClient(options =>
{
    options.Gateways = builder.Configuration.GetSection("Unlearning:Gateways").Get<List<string>>() ?? ["localhost:30000"];
    options.ClusterId = builder.Configuration["Unlearning:ClusterId"] ?? "unlearning";
    options.Token = builder.Configuration["Unlearning:Token"];
    options.Resilience.ReadRetryWindow = TimeSpan.FromSeconds(30);
});
var app = builder.Build();

app.MapPost("/models/{model}/predict", async (string model, PredictRequest request, IUnlearningClient client, CancellationToken ct) =>
    (await client.PredictAsync(model, request.Rows, ct)).Predictions.Select(p => p.Label).ToArray());

app.MapDelete("/models/{model}/subjects/{subject}", (string model, string subject, IUnlearningClient client, CancellationToken ct) =>
    client.ForgetAsync(model, subject, ct));

app.MapGet("/models/{model}/status", (string model, IUnlearningClient client, CancellationToken ct) =>
    client.GetStatusAsync(model, ct));

app.Run();

/// <summary>The rows to predict, each the model's features in its order.</summary>
internal sealed record PredictRequest(double[][] Rows);
