-- Grain state: optimistic write as one upsert. With no version (first write) a row is inserted with
-- version 1, and an existing row is left alone; with version v the payload is replaced only if the row
-- exists and still has version v. The SELECT then answers the new version if a row changed, nothing on
-- a conflict. (No RETURNING: Microsoft.Data.Sqlite retries a busy database only on a statement's first
-- step, and RETURNING would defer the commit to a later one.)
INSERT INTO grain_state (service_id, state_name, grain_n0, grain_n1, grain_key, version, payload)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), 1, @PayloadBinary
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM grain_state
              WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND grain_n0 = @GrainIdN0
                AND grain_n1 = @GrainIdN1 AND grain_key = COALESCE(@GrainIdExtensionString, ''))
ON CONFLICT (service_id, state_name, grain_n0, grain_n1, grain_key) DO UPDATE
SET payload = excluded.payload, version = grain_state.version + 1, modified_on = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE @GrainStateVersion IS NOT NULL AND grain_state.version = @GrainStateVersion;

SELECT COALESCE(@GrainStateVersion, 0) + 1 AS NewGrainStateVersion WHERE changes() > 0;
