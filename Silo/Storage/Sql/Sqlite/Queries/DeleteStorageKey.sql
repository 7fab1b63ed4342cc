-- Grain state: clear by deleting the row (DeleteStateOnClear). Answers a value other than the grain's
-- version when the row was deleted; nothing on a version conflict.
DELETE FROM grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_n0 = @GrainIdN0
  AND grain_n1 = @GrainIdN1
  AND grain_key = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion;

SELECT @GrainStateVersion + 1 AS NewGrainStateVersion WHERE changes() > 0;
