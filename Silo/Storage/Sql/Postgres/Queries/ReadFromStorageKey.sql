-- Grain state: the payload and version of one grain's state (no row: never written or deleted). The payload
-- comes back as 1, the state's key and the sealed state; or as 0 and the state as stored when it has no key
-- (written unsealed by an earlier version, or its key is gone): ShreddableStateSerializer tells which.
SELECT CASE WHEN k.secret IS NULL THEN '\x00'::bytea || g.payload ELSE '\x01'::bytea || k.secret || g.payload END AS "PayloadBinary",
       g.version AS "Version"
FROM grain_state g
LEFT JOIN state_keys k
  ON k.service_id = g.service_id AND k.state_name = g.state_name AND k.grain_n0 = g.grain_n0
 AND k.grain_n1 = g.grain_n1 AND k.grain_key = g.grain_key
WHERE g.service_id = @ServiceId
  AND g.state_name = @GrainTypeString
  AND g.grain_n0 = @GrainIdN0
  AND g.grain_n1 = @GrainIdN1
  AND g.grain_key = COALESCE(@GrainIdExtensionString, '');
