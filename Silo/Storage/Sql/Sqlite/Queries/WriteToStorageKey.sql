-- Grain state: optimistic write, as two statements of which at most one changes a row. With version v,
-- replace the payload only if the row still has version v; with no version (first write), insert
-- version 1 unless a row exists. The new version comes back when the write happened; nothing on a conflict.
UPDATE grain_state
SET payload = @PayloadBinary, version = version + 1, modified_on = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE @GrainStateVersion IS NOT NULL
  AND service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_n0 = @GrainIdN0
  AND grain_n1 = @GrainIdN1
  AND grain_key = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

INSERT INTO grain_state (service_id, state_name, grain_n0, grain_n1, grain_key, version, payload)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), 1, @PayloadBinary
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
