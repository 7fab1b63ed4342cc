-- Grain state: clear without deleting the row (used only when DeleteStateOnClear is off): the payload
-- is dropped and the version bumped, so the row holds nothing of the state.
UPDATE grain_state
SET payload = NULL, version = version + 1, modified_on = now()
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_n0 = @GrainIdN0
  AND grain_n1 = @GrainIdN1
  AND grain_key = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion";
