-- Grain state: the payload and version of one grain's state (no row: never written or deleted).
SELECT payload AS "PayloadBinary", version AS "Version"
FROM grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_n0 = @GrainIdN0
  AND grain_n1 = @GrainIdN1
  AND grain_key = COALESCE(@GrainIdExtensionString, '');
