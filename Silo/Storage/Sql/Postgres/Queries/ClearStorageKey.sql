-- Grain state: clear without deleting the row (used only when DeleteStateOnClear is off): the payload
-- is dropped, with its key, and the version bumped, so the row holds nothing of the state.
WITH cleared AS (
    UPDATE grain_state
    SET payload = NULL, version = version + 1, modified_on = now()
    WHERE service_id = @ServiceId
      AND state_name = @GrainTypeString
      AND grain_n0 = @GrainIdN0
      AND grain_n1 = @GrainIdN1
      AND grain_key = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING service_id, state_name, grain_n0, grain_n1, grain_key, version
), unkeyed AS (
    DELETE FROM state_keys k USING cleared c
    WHERE k.service_id = c.service_id AND k.state_name = c.state_name AND k.grain_n0 = c.grain_n0
      AND k.grain_n1 = c.grain_n1 AND k.grain_key = c.grain_key
)
SELECT version AS "NewGrainStateVersion" FROM cleared;
