-- Grain state: clear without deleting the row (used only when DeleteStateOnClear is off): the payload
-- is dropped and the version bumped; the new version comes back, nothing on a version conflict.
UPDATE grain_state
SET payload = NULL, version = version + 1, modified_on = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_n0 = @GrainIdN0
  AND grain_n1 = @GrainIdN1
  AND grain_key = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion;

SELECT @GrainStateVersion + 1 AS NewGrainStateVersion WHERE changes() > 0;
