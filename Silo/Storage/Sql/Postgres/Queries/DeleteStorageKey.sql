-- Grain state: clear by deleting the row (DeleteStateOnClear), with its key. Returns a value other than
-- the grain's version when the row was deleted; nothing on a version conflict.
WITH deleted AS (
    DELETE FROM grain_state
    WHERE service_id = @ServiceId
      AND state_name = @GrainTypeString
      AND grain_n0 = @GrainIdN0
      AND grain_n1 = @GrainIdN1
      AND grain_key = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING service_id, state_name, grain_n0, grain_n1, grain_key, version
), unkeyed AS (
    DELETE FROM state_keys k USING deleted d
    WHERE k.service_id = d.service_id AND k.state_name = d.state_name AND k.grain_n0 = d.grain_n0
      AND k.grain_n1 = d.grain_n1 AND k.grain_key = d.grain_key
)
SELECT version + 1 AS "NewGrainStateVersion" FROM deleted;
