using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearning.Tests.Security;
using Xunit.Abstractions;

namespace Unlearning.Tests.Http;

/// <summary>
/// The HTTP API of a Silo process with TLS and tokens, over real HTTPS on 127.0.0.1: who gets in, what each role may do,
/// how bad input and limits are answered, the OpenAPI document, and predictions equal to the grain API's.
/// </summary>
public sealed class HttpApiTests(HttpApiFixture silo, ITestOutputHelper output) : IClassFixture<HttpApiFixture>
{
    private const string Model = HttpApiFixture.Model;
    private const string Models = "/v1/models";

    private HttpApiClient Http => silo.Http;

    public static TheoryData<string> RoleNames() => [.. Roles.All];

    /// <summary>Every endpoint against every role: it answers, or 403 with the grain call filter's words.</summary>
    [Theory]
    [MemberData(nameof(RoleNames))]
    public async Task Each_role_may_call_its_endpoints_and_no_other(string role)
    {
        var token = silo.Token($"roles-{role}", role);
        var train = await File.ReadAllTextAsync(HttpApiFixture.Data("wdbc_train.csv"));
        var endpoints = new (string Name, Func<Task<HttpResponseMessage>> Call, string[] Allowed, HttpStatusCode Success, string Forbidden)[]
        {
            ("create", () => Http.PostJsonAsync($"{Models}/made-by-{role}", token, """{"features": ["a", "b"], "labels": ["x", "y"], "shards": 2}"""),
                [Roles.Writer], HttpStatusCode.Created, "create a model (IModelGrain.Create); roles that may: writer, admin"),
            ("records", () => Http.PostCsvAsync($"{Models}/{Model}/records", token, train),
                [Roles.Writer], HttpStatusCode.OK, "ingest records (IModelGrain.StageIngest); roles that may: writer, admin"),
            ("train", () => Http.PostAsync($"{Models}/{Model}/train", token),
                [Roles.Writer], HttpStatusCode.OK, "train a model (IModelGrain.Train); roles that may: writer, admin"),
            ("predict", () => Http.PostJsonAsync($"{Models}/{Model}/predict", token, JsonRows(HoldoutRows().Take(2))),
                [Roles.Reader], HttpStatusCode.OK, "predict (IModelGrain.Predict); roles that may: reader, admin"),
            ("forget", () => Http.PostJsonAsync($"{Models}/{Model}/forget", token, $$"""{"subject": "nobody-{{role}}"}"""),
                [Roles.Forgetter], HttpStatusCode.OK, "forget a subject (IModelGrain.Forget); roles that may: forgetter, admin"),
            ("status", () => Http.GetAsync($"{Models}/{Model}/status", token),
                [Roles.Reader], HttpStatusCode.OK, "read a model's status (IModelGrain.GetStatus); roles that may: reader, admin"),
        };

        foreach (var (name, call, allowed, success, forbidden) in endpoints)
        {
            using var response = await call();
            var what = $"{name} as {role}";
            output.WriteLine($"{what}: {(int)response.StatusCode}");
            if (role == Roles.Admin || allowed.Contains(role))
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == success, $"{what} answered {(int)response.StatusCode}: {body}");
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                JsonDocument.Parse(body).Dispose();
            }
            else
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                var (_, detail) = await HttpApiClient.ProblemOf(response);
                Assert.Equal($"forbidden: role {role} may not {forbidden}", detail);
            }
        }
    }

    public static TheoryData<string, string> BadTokens() => SecureCredentials.BadTokenKinds("unauthenticated: the request carries no token");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_missing_or_invalid_token_is_answered_401_with_a_problem(string kind, string message)
    {
        var token = silo.Credentials.BadToken(kind);

        foreach (var call in new Func<Task<HttpResponseMessage>>[]
        {
            () => Http.GetAsync($"{Models}/{Model}/status", token),
            () => Http.PostJsonAsync($"{Models}/{Model}/forget", token, """{"subject": "P000001"}"""),
        })
        {
            using var response = await call();

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
            var (_, detail) = await HttpApiClient.ProblemOf(response);
            Assert.StartsWith(message, detail);
        }
        // Nothing was forgotten by the refused calls.
        using var status = await Http.GetAsync($"{Models}/{Model}/status", silo.Token("auth-check", Roles.Reader));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task A_bad_csv_body_is_a_problem_naming_its_line_as_the_cli_names_it_and_nothing_is_ingested()
    {
        var writer = silo.Token("bad-csv", Roles.Writer);
        var before = await RecordsAsync();
        // New ids (the holdout set), then a row with a field too few and a value that is no number.
        var holdout = await File.ReadAllTextAsync(HttpApiFixture.Data("wdbc_holdout.csv"));
        var bad = holdout.TrimEnd('\n') + "\nP999999,1.5,abc\n";
        var badLine = holdout.TrimEnd('\n').Split('\n').Length + 1;

        using var response = await Http.PostCsvAsync($"{Models}/{Model}/records", writer, bad);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (_, detail) = await HttpApiClient.ProblemOf(response);
        Assert.StartsWith($"body line {badLine}: expected 32 fields (as in the header), found 3", detail);
        Assert.EndsWith("; nothing was ingested", detail);
        Assert.Equal(before, await RecordsAsync());

        // The CLI refuses the same file with the same words, naming the file where the API names the body.
        var file = Path.Combine(silo.Credentials.Files.Directory, "bad.csv");
        await File.WriteAllTextAsync(file, bad);
        var (exit, _, stderr) = await silo.CliAsync("ingest", Model, file, "--token", writer);
        Assert.Equal(1, exit);
        Assert.Equal($"error: {detail.Replace("body line", $"{file} line", StringComparison.Ordinal)}", stderr);
    }

    [Fact]
    public async Task Nan_and_malformed_rows_are_problems_naming_row_and_feature()
    {
        var reader = silo.Token("nan", Roles.Reader);
        var header = File.ReadLines(HttpApiFixture.Data("wdbc_holdout.csv")).First();
        var row = File.ReadLines(HttpApiFixture.Data("wdbc_holdout.csv")).Skip(1).First().Split(',');
        row[2] = "NaN";
        var cases = new (Func<Task<HttpResponseMessage>> Call, string Detail)[]
        {
            (() => Http.PostCsvAsync($"{Models}/{Model}/predict", reader, $"{header}\n{string.Join(',', row)}\n"),
                "body line 2, column 'mean_texture': 'NaN' is not a finite number (NaN and infinity are rejected)"),
            (() => Http.PostJsonAsync($"{Models}/{Model}/predict", reader, JsonRows(HoldoutRows().Take(1)).Replace("\"mean_texture\":14.34", "\"mean_texture\":\"NaN\"", StringComparison.Ordinal)),
                "rows[0].mean_texture must be a finite number, not a string"),
            (() => Http.PostJsonAsync($"{Models}/{Model}/predict", reader, """{"rows": [{"mean_radius": NaN}]}"""), "'N' is an invalid start of a value"),
            (() => Http.PostJsonAsync($"{Models}/{Model}/predict", reader, """{"rows": [{"mean_radius": 1}]}"""), "rows[0]: missing features 'mean_texture'"),
            (() => Http.PostJsonAsync($"{Models}/{Model}/predict", reader, """{"rows": [{"age": 1}]}"""), "rows[0]: 'age' is not a feature of the model"),
        };

        foreach (var (call, expected) in cases)
        {
            using var response = await call();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var (_, detail) = await HttpApiClient.ProblemOf(response);
            Assert.Contains(expected, detail);
        }
    }

    [Fact]
    public async Task An_unknown_model_a_bad_name_and_a_wrong_content_type_are_problems()
    {
        var admin = silo.Token("unknown", Roles.Admin);
        var cases = new (Func<Task<HttpResponseMessage>> Call, HttpStatusCode Status, string Detail)[]
        {
            (() => Http.GetAsync($"{Models}/no-such-model/status", admin), HttpStatusCode.NotFound, "unknown model 'no-such-model': it does not exist"),
            (() => Http.PostJsonAsync($"{Models}/no-such-model/predict", admin, JsonRows(HoldoutRows().Take(1))), HttpStatusCode.NotFound,
                "unknown model 'no-such-model': it does not exist"),
            (() => Http.GetAsync($"{Models}/bad%20name!/status", admin), HttpStatusCode.BadRequest, "invalid model name 'bad name!'"),
            (() => Http.PostAsync($"{Models}/{Model}/forget", admin), HttpStatusCode.UnsupportedMediaType, "the body must be application/json"),
            (() => Http.PostJsonAsync($"{Models}/{Model}/records", admin, "{}"), HttpStatusCode.UnsupportedMediaType,
                $"{Models}/{Model}/records does not take a body of type 'application/json; charset=utf-8'"),
            (() => Http.GetAsync($"{Models}/{Model}/train", admin), HttpStatusCode.MethodNotAllowed, $"{Models}/{Model}/train does not take GET"),
            (() => Http.PostJsonAsync($"{Models}/{Model}/forget", admin, "{}"), HttpStatusCode.BadRequest, "the body must name the subject"),
            (() => Http.GetAsync("/v1/nothing-here", admin), HttpStatusCode.NotFound, "no such endpoint: GET /v1/nothing-here"),
        };

        foreach (var (call, status, expected) in cases)
        {
            using var response = await call();
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} instead of {(int)status}: {await response.Content.ReadAsStringAsync()}");
            var (_, detail) = await HttpApiClient.ProblemOf(response);
            Assert.StartsWith(expected, detail);
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_whether_or_not_it_declares_its_length()
    {
        var writer = silo.Token("oversize", Roles.Writer);
        var before = await RecordsAsync();
        var header = File.ReadLines(HttpApiFixture.Data("wdbc_train.csv")).First();
        var text = new StringBuilder(header).Append('\n');
        var line = File.ReadLines(HttpApiFixture.Data("wdbc_train.csv")).Skip(1).First();
        for (var i = 0; text.Length <= HttpApiFixture.MaxBodyBytes; i++)
            text.Append(CultureInfo.InvariantCulture, $"X{i:D7}").Append(line.AsSpan(line.IndexOf(','))).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());

        HttpContent Csv(bool declareLength)
        {
            HttpContent content = declareLength ? new ByteArrayContent(bytes) : new StreamContent(new UnseekableStream(bytes));
            content.Headers.ContentType = new("text/csv");
            return content;
        }

        using var declared = await Http.SendAsync(HttpMethod.Post, $"{Models}/{Model}/records", writer, Csv(declareLength: true));
        // Over HTTP/1.1 a client that declares a large body waits for "100 Continue" before it sends it: the refusal comes first.
        using var declared11 = await Http.PostHeadersOnlyAsync($"{Models}/{Model}/records", writer, "text/csv", bytes.Length);
        using var streamed = await Http.SendAsync(HttpMethod.Post, $"{Models}/{Model}/records", writer, Csv(declareLength: false));

        // Over HTTP/2 a stream refused early is reset alone; over HTTP/1.1 the server closes the connection under a body still being sent.
        Assert.Equal((HttpVersion.Version20, HttpVersion.Version20), (declared.Version, streamed.Version));
        foreach (var response in new[] { declared, declared11, streamed })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var (_, detail) = await HttpApiClient.ProblemOf(response);
            Assert.Equal($"the body is larger than {HttpApiFixture.MaxBodyBytes:N0} bytes, the most this API takes (Http:MaxBodyBytes)", detail);
        }
        Assert.Equal(before, await RecordsAsync());
    }

    [Fact]
    public async Task A_caller_past_its_rate_limit_is_answered_429_and_others_are_not()
    {
        var flood = silo.Token("flood", Roles.Reader);
        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i <= HttpApiFixture.RateLimit && refused is null; i++)
        {
            var response = await Http.GetAsync($"{Models}/{Model}/status", flood);
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(HttpApiFixture.RateLimit, answers.Count(a => a == HttpStatusCode.OK));
            Assert.NotNull(refused.Headers.RetryAfter);
            var (_, detail) = await HttpApiClient.ProblemOf(refused);
            Assert.StartsWith($"more than {HttpApiFixture.RateLimit} requests in 60 s from this caller", detail);
        }
        // Another caller has a window of its own.
        using var other = await Http.GetAsync($"{Models}/{Model}/status", silo.Token("calm", Roles.Reader));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_is_served_without_a_token_and_lists_every_endpoint()
    {
        using var response = await Http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        var expected = new (string Path, string Method)[]
        {
            ("/v1/models/{model}", "post"), ("/v1/models/{model}/records", "post"), ("/v1/models/{model}/train", "post"),
            ("/v1/models/{model}/predict", "post"), ("/v1/models/{model}/forget", "post"), ("/v1/models/{model}/status", "get"),
        };
        Assert.Equal(expected.Select(e => e.Path).Order(), paths.Select(p => p.Key).Order());
        foreach (var (path, method) in expected)
        {
            var operation = paths[path]![method];
            Assert.True(operation is not null, $"{method} {path} is missing");
            Assert.StartsWith("Roles that may: ", operation["description"]!.GetValue<string>());
            Assert.NotNull(operation["responses"]!["401"]);
            Assert.NotNull(operation["responses"]!["403"]);
        }
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.Contains("text/csv", paths["/v1/models/{model}/predict"]!["post"]!["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
    }

    /// <summary>The CLI's predict --json lines (over the grain API), and the HTTP API's array for the same rows as CSV and as JSON: equal, key for key.</summary>
    [Fact]
    public async Task A_prediction_over_http_equals_the_same_prediction_over_the_grain_api()
    {
        var reader = silo.Token("equal", Roles.Reader);
        var holdout = HttpApiFixture.Data("wdbc_holdout.csv");
        var (exit, stdout, stderr) = await silo.CliAsync("predict", Model, holdout, "--json", "--token", reader);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(File.ReadLines(holdout).Count() - 1, lines.Length);

        using var csv = await Http.PostCsvAsync($"{Models}/{Model}/predict", reader, await File.ReadAllTextAsync(holdout));
        using var json = await Http.PostJsonAsync($"{Models}/{Model}/predict", reader, JsonRows(HoldoutRows()));

        foreach (var response in new[] { csv, json })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var answers = JsonDocument.Parse(body).RootElement.EnumerateArray().ToArray();
            Assert.Equal(lines.Length, answers.Length);
            for (var i = 0; i < lines.Length; i++)
                Assert.True(JsonElement.DeepEquals(lines[i], answers[i]), $"row {i}: grain API {lines[i]} vs HTTP {answers[i]}");
        }
    }

    private async Task<long> RecordsAsync()
    {
        using var response = await Http.GetAsync($"{Models}/{Model}/status", silo.Token("records", Roles.Reader));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("records").GetInt64();
    }

    /// <summary>The holdout rows as id and feature values, as the CSV reader reads them (a label column is left out).</summary>
    private static IEnumerable<(string Id, (string Name, double Value)[] Features)> HoldoutRows()
    {
        var lines = File.ReadLines(HttpApiFixture.Data("wdbc_holdout.csv")).ToArray();
        var names = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            yield return (fields[0], [.. Enumerable.Range(1, names.Length - 1).Where(j => names[j] != "label")
                .Select(j => (names[j], double.Parse(fields[j], CultureInfo.InvariantCulture)))]);
        }
    }

    private static string JsonRows(IEnumerable<(string Id, (string Name, double Value)[] Features)> rows)
    {
        var array = new JsonArray();
        foreach (var (id, features) in rows)
        {
            var row = new JsonObject { ["id"] = id };
            foreach (var (name, value) in features) row[name] = value;
            array.Add(row);
        }
        return new JsonObject { ["rows"] = array }.ToJsonString();
    }

    /// <summary>A body whose length the client cannot know: sent without Content-Length.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
