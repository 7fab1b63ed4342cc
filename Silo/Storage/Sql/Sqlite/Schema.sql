-- Schema of the unlearning silo's embedded store on SQLite: grain state, written by the silo's own provider
-- (Silo/Storage/Sqlite). The table and its key are those the ADO.NET persistence provider used for string-keyed
-- grains (grain_n0 = grain_n1 = 0), so files written by earlier versions keep their rows. Idempotent; the installer
-- runs it in one BEGIN IMMEDIATE transaction. (SQLite has no Orleans clustering: the silo uses localhost clustering.)

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
