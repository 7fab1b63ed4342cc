-- Schema of the unlearning silo's embedded store on SQLite: the ADO.NET persistence provider's query
-- table and grain state. Written for this project from the contract of
-- Microsoft.Orleans.Persistence.AdoNet 10.4.x. Idempotent; the installer runs it in one
-- BEGIN IMMEDIATE transaction. (SQLite has no Orleans clustering: the silo uses localhost clustering.)

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per grain state, keyed by its natural key; grain_key is the string key or key extension,
-- '' when none. A cleared state is deleted (DeleteStateOnClear).
CREATE TABLE IF NOT EXISTS grain_state
(
    service_id  TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    grain_n0    INTEGER NOT NULL,
    grain_n1    INTEGER NOT NULL,
    grain_key   TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    payload     BLOB    NULL,
    modified_on TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT uq_grain_state UNIQUE (service_id, state_name, grain_n0, grain_n1, grain_key)
);
