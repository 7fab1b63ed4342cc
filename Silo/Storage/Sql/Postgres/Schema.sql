-- Schema of the unlearning cluster on PostgreSQL: the ADO.NET providers' query table, grain state
-- and cluster membership. Written for this project from the contract of Microsoft.Orleans.*.AdoNet
-- 10.4.x (query keys, parameter names, result columns). Every statement is idempotent; the installer
-- runs this file in one transaction under an advisory lock, so silos starting together do not race.

-- The providers read their SQL from here at start-up ("SELECT QueryKey, QueryText FROM OrleansQuery").
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

-- One row per grain state. The key is the natural one (no hash columns: PostgreSQL indexes the text
-- directly); grain_key holds the string key or key extension, '' when the grain has none.
-- A cleared state is deleted (DeleteStateOnClear), so no row outlives its grain's data.
-- Hash-partitioned by grain_key: every row of one shard (its own row and its record chunks) lives in one
-- partition, so clearing what a forget left behind rewrites that partition, not every model's records
-- (see GrainStateScrubber). A table created unpartitioned by an earlier version is left as it is.
CREATE TABLE IF NOT EXISTS grain_state
(
    service_id  varchar(150) NOT NULL,
    state_name  varchar(512) NOT NULL,
    grain_n0    bigint       NOT NULL,
    grain_n1    bigint       NOT NULL,
    grain_key   text         NOT NULL,
    version     integer      NOT NULL,
    payload     bytea        NULL,
    modified_on timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT pk_grain_state PRIMARY KEY (service_id, state_name, grain_n0, grain_n1, grain_key)
) PARTITION BY HASH (grain_key);

-- The key of each grain state's current version (Silo/Storage/ShreddableStateSerializer.cs): every write seals
-- the state under a new random key, kept here, apart from grain_state. A version replaced or deleted in
-- grain_state stays in its files until a vacuum, sealed; its key's dead version is here, and a forget's
-- VACUUM FULL of this small table's partition (keys and grain names, never records) makes it unreadable.
-- Partitioned like grain_state, so the keys of one shard's rows share one partition too.
CREATE TABLE IF NOT EXISTS state_keys
(
    service_id varchar(150) NOT NULL,
    state_name varchar(512) NOT NULL,
    grain_n0   bigint       NOT NULL,
    grain_n1   bigint       NOT NULL,
    grain_key  text         NOT NULL,
    secret     bytea        NOT NULL,
    CONSTRAINT pk_state_keys PRIMARY KEY (service_id, state_name, grain_n0, grain_n1, grain_key)
) PARTITION BY HASH (grain_key);

-- The 32 hash partitions of both tables, alike, so that a grain's keys and rows share a remainder.
DO $partitions$
DECLARE
    parent text;
BEGIN
    FOREACH parent IN ARRAY ARRAY['grain_state', 'state_keys'] LOOP
        IF EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = parent::regclass) THEN
            FOR remainder IN 0..31 LOOP
                EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES WITH (MODULUS 32, REMAINDER %s)',
                               parent || '_' || lpad(remainder::text, 2, '0'), parent, remainder);
            END LOOP;
        END IF;
    END LOOP;
END
$partitions$;

-- Payloads are Orleans-binary (doubles compress poorly) and are kept out of line uncompressed, so
-- that an audit of the raw relation files sees what is stored. (Recurses to the partitions.)
ALTER TABLE grain_state ALTER COLUMN payload SET STORAGE EXTERNAL;

-- One row per cluster (the providers' "DeploymentId" is the ClusterId): the membership table's version.
CREATE TABLE IF NOT EXISTS membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_on    timestamptz  NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS membership_silo
(
    deployment_id   varchar(150)  NOT NULL REFERENCES membership_version (deployment_id) ON DELETE CASCADE,
    address         varchar(45)   NOT NULL,
    port            integer       NOT NULL,
    generation      integer       NOT NULL,
    silo_name       varchar(150)  NOT NULL,
    host_name       varchar(150)  NOT NULL,
    status          integer       NOT NULL,
    proxy_port      integer       NOT NULL DEFAULT 0,
    suspect_times   varchar(8000) NULL,
    start_time      timestamptz   NOT NULL,
    i_am_alive_time timestamptz   NOT NULL,
    CONSTRAINT pk_membership_silo PRIMARY KEY (deployment_id, address, port, generation)
);

-- Scrubs owed (see GrainStateScrubber): a forget or delete notes its grains here before it rewrites their rows, and
-- its vacuum removes the note; a note left by a silo that died, or by a vacuum an old transaction held back, is paid
-- by the silos' periodic maintenance. Keys only (model and shard names, request ids), never records.
CREATE TABLE IF NOT EXISTS scrub_owed
(
    grain_key  text        NOT NULL PRIMARY KEY,
    owed_since timestamptz NOT NULL
);

-- Whether a debt's grains had rows stored unsealed (written before state_keys existed) when the forget noted it:
-- their dead versions are plaintext, so their grain_state partitions are vacuumed too, not only their keys'.
ALTER TABLE scrub_owed ADD COLUMN IF NOT EXISTS plaintext boolean NOT NULL DEFAULT false;

-- One random secret per cluster, drawn by the first silo to start: silos mark their own grain calls with a value
-- derived from it, so that a client cannot pass for a grain (Silo/Security/InternalCalls.cs). Readable by whoever
-- can read grain_state, which holds the records themselves.
CREATE TABLE IF NOT EXISTS cluster_secret
(
    cluster_id varchar(150) NOT NULL PRIMARY KEY,
    secret     bytea        NOT NULL
);
