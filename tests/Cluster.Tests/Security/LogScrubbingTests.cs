using System.Globalization;
using System.Text;
using Unlearning.TestKit;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Security;

/// <summary>
/// No record id, subject or feature value in any log line of a silo, at any level: a secure silo on SQLite logging at
/// Trace runs ingest (and a refused one), train, predict, explain, a dry run and a forget of distinctive values, through
/// the CLI and through the HTTP API.
/// </summary>
public sealed class LogScrubbingTests(ITestOutputHelper output)
{
    private const string Id = "ZZ-ID-4711";
    private const string Subject = "ZZ-SUBJ-0815";
    private const double Value = 123456.789;
    private const string HttpId = "ZZ-HTTP-ID-2718";
    private const string HttpSubject = "ZZ-HTTP-SUBJ-3141";
    private const double HttpValue = 654321.987;

    [Fact]
    public async Task Silo_logs_at_every_level_hold_no_record_id_subject_feature_value_or_token()
    {
        using var folder = new TempDirectory("scrub");
        using var credentials = new SecureCredentials();
        var clusterId = $"scrub-{Guid.NewGuid():N}"[..16];
        var httpPort = FreePorts.One();
        using var silo = SiloProcess.Start("scrub", ["--data-dir", Path.Combine(folder.Path, "data"), "--cluster-id", clusterId, "--http-port", $"{httpPort}",
            // Every category at Trace (appsettings.json raises Orleans, Microsoft and Polly to Warning otherwise).
            "--Logging:LogLevel:Default", "Trace", "--Logging:LogLevel:Orleans", "Trace", "--Logging:LogLevel:Microsoft", "Trace",
            "--Logging:LogLevel:Polly", "Trace", .. credentials.SiloArguments]);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var admin = credentials.Token(Roles.Admin);

        var train = Write(folder, "train.csv", Rows(40, Value));
        // The same id with other values: the shard refuses the batch, with an exception that names the record.
        var conflicting = Write(folder, "conflict.csv", Rows(1, Value + 1));
        var probe = Write(folder, "probe.csv", Rows(3, Value));

        var steps = new (string[] Args, int Exit)[]
        {
            (["create", "scrub", "--schema", train, "--shards", "2", "--slices", "2"], 0),
            (["ingest", "scrub", train], 0),
            (["train", "scrub"], 0),
            (["ingest", "scrub", conflicting], 1),
            (["predict", "scrub", probe], 0),
            (["explain", "scrub", probe, "--top", "40"], 0),
            (["forget", "scrub", "--subject", Subject, "--dry-run", "--probe", probe], 0),
            (["forget", "scrub", "--subject", Subject], 0),
            (["forget", "scrub", "--subject", Subject], 0),
        };
        var answers = new StringBuilder();
        foreach (var (args, expected) in steps)
        {
            var (exit, stdout, stderr) = await CliRun.RunAsync([.. args, "--json", "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId,
                "--token", admin, .. credentials.ClientArguments]);
            Assert.True(exit == expected, $"{string.Join(' ', args.Take(2))} exited {exit}: {stderr}");
            answers.Append(stdout).Append(stderr);
        }
        // The values did reach the cluster and come back to the client: the explanation names the record, the refused ingest too.
        Assert.Contains(Id, answers.ToString());

        using (var http = new Http.HttpApiClient(credentials.Files.Path(Client.Security.DevSetup.CaFile), httpPort))
        {
            var value = HttpValue.ToString(CultureInfo.InvariantCulture);
            var records = $"id,subject,f1,f2,label\n{HttpId},{HttpSubject},{value},2.5,b\n";
            var calls = new (Func<Task<HttpResponseMessage>> Call, int Status)[]
            {
                (() => http.PostCsvAsync("/v1/models/scrub/records", admin, records), 200),
                // The same id with other values, and a value that is no number: refused, naming them to the caller alone.
                (() => http.PostCsvAsync("/v1/models/scrub/records", admin, records.Replace(",2.5,", ",3.5,", StringComparison.Ordinal)), 400),
                (() => http.PostCsvAsync("/v1/models/scrub/records", admin, $"id,subject,f1,f2,label\n{HttpId}-2,{HttpSubject},x{value},1,a\n"), 400),
                (() => http.PostAsync("/v1/models/scrub/train", admin), 200),
                (() => http.PostJsonAsync("/v1/models/scrub/predict", admin, $$"""{"rows": [{"id": "{{HttpId}}", "f1": {{value}}, "f2": 1}]}"""), 200),
                (() => http.PostJsonAsync("/v1/models/scrub/forget", admin, $$"""{"subject": "{{HttpSubject}}"}"""), 200),
                (() => http.PostJsonAsync("/v1/models/scrub/forget", credentials.Token(Roles.Reader), $$"""{"subject": "{{HttpSubject}}"}"""), 403),
            };
            foreach (var (call, status) in calls)
            {
                using var response = await call();
                var body = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} instead of {status}: {body}");
                answers.Append(body);
            }
            Assert.Contains(HttpId, answers.ToString());
        }

        var log = silo.Output;
        output.WriteLine($"{log.Split('\n').Length} log lines");
        // Debug did reach the output (the refused ingest's failure, by exception type); Orleans' own Debug and Trace lines,
        // which print messages with their results, never do.
        Assert.Contains("dbug: Unlearning.Silo.Security.CallAuthorizationFilter", log);
        Assert.DoesNotContain("trce: Orleans", log);
        Assert.Contains("subject#", log); // the forget is logged with a keyed hash of the subject
        Assert.Contains("HTTP API:", log); // the HTTP API's refusals did reach the log
        foreach (var secret in new[] { Id, Subject, Value.ToString(CultureInfo.InvariantCulture), (Value + 1).ToString(CultureInfo.InvariantCulture), admin,
            HttpId, HttpSubject, HttpValue.ToString(CultureInfo.InvariantCulture) })
        {
            var at = log.IndexOf(secret, StringComparison.Ordinal);
            Assert.True(at < 0, $"the log holds '{secret[..Math.Min(20, secret.Length)]}': ...{log[Math.Max(0, at - 300)..Math.Min(log.Length, at + 100)]}...");
        }
    }

    private static string Write(TempDirectory folder, string name, string content)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The distinctive record first, then ordinary ones.</summary>
    private static string Rows(int count, double value)
    {
        var text = new StringBuilder("id,subject,f1,f2,label\n");
        text.Append(CultureInfo.InvariantCulture, $"{Id},{Subject},{value},1.5,a\n");
        for (var i = 1; i < count; i++)
            text.Append(CultureInfo.InvariantCulture, $"row-{i},s-{i},{i % 7},{i % 5 - 2},{(i % 3 == 0 ? "a" : "b")}\n");
        return text.ToString();
    }
}
