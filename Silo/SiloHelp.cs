namespace Unlearning.Silo;

/// <summary>The silo's <c>--help</c>: every switch it takes, and where the rest of its settings live.</summary>
internal static class SiloHelp
{
    public static bool Requested(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    public const string Text = """
        Usage: dotnet run --project Silo -- [options]

        Runs one silo of the unlearning cluster. Without --postgres it is a one-silo cluster on this machine with its
        models in an embedded SQLite file; with --postgres it joins the cluster whose membership and models live in
        that PostgreSQL database.

        Storage:
          --storage sqlite|postgres|memory   Where models live (default: sqlite, or postgres when --postgres is given)
          --data-dir DIR                     The SQLite folder (default: $XDG_DATA_HOME/unlearning or ~/.local/share/unlearning)
          --postgres CONNECTION-STRING       Npgsql connection string of the cluster database (cluster mode)
          --install-schema                   Create or update the database schema, then exit

        Network:
          --silo-port N                      Port for silo-to-silo traffic (default 11111)
          --gateway-port N                   Port clients connect to (default 30000)
          --address IP                       Address published to the cluster (default 127.0.0.1)
          --cluster-id ID                    Orleans cluster id (default unlearning)
          --rebalance                        Migrate activations between silos to even out load (experimental)
          --kubernetes                       Run as a Kubernetes pod: address, name and cluster id from POD_IP, POD_NAME,
                                             POD_NAMESPACE, ORLEANS_CLUSTER_ID; PostgreSQL storage (README, "Kubernetes")

        Security (needed to listen on any address but loopback; README, "Security"):
          --tls-cert FILE                    This silo's PEM certificate (serverAuth and clientAuth)
          --tls-key FILE                     Its PEM private key
          --tls-ca FILE                      PEM certificate of the CA that every silo's and client's certificate chains to
          --auth-public-key FILE             PEM public key that signs callers' tokens (or --jwks FILE, a JWKS document)
          --insecure                         No TLS, no tokens: for a network you trust (warns at every start)

        HTTP API (README, "HTTP API"):
          --http-port N                      Serve the HTTP API on port N (default: off): HTTPS with bearer tokens when
                                             security is configured; on the silo's address (loopback: 127.0.0.1)

        Dashboard:
          --dashboard-port N                 Serve the Orleans Dashboard on http://127.0.0.1:N/dashboard/ (default: off;
                                             loopback only: it has no authentication)

        Observability (README, "Observability"):
          --metrics-port N                   Serve /metrics (Prometheus text), /health/live and /health/ready on
                                             http://127.0.0.1:N (default: off)
          --metrics-host IP                  The address of that listener (default 127.0.0.1; 0.0.0.0 for Prometheus or
                                             Kubernetes probes from elsewhere: it serves counts and health, no records)
          --otlp-endpoint URL                Export metrics and traces over OTLP (also on with OTEL_EXPORTER_OTLP_ENDPOINT)

        Every setting of appsettings.json can also be given as --Section:Name value (for example
        --Unlearning:MaxBatchRows 50000, --Membership:ProbeTimeout 00:00:02) or as an environment variable
        Section__Name. The README's "Configuration" section lists them.

          -h, --help                         Show this text
        """;
}
