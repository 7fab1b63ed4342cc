-- Grain state: optimistic write. With no version (first write) insert version 1 unless a row exists;
-- with version v replace the payload only if the row still has version v. One row comes back, the new
-- version, when the write happened; none on a conflict, which the provider reports as such.
-- The payload is the state's key and then the sealed state (ShreddableStateSerializer): the key goes to
-- state_keys, replacing the previous version's, the sealed state to grain_state; both or neither.
WITH updated AS (
    UPDATE grain_state
    SET payload = substring(@PayloadBinary FROM 33), version = version + 1, modified_on = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND service_id = @ServiceId
      AND state_name = @GrainTypeString
      AND grain_n0 = @GrainIdN0
      AND grain_n1 = @GrainIdN1
      AND grain_key = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO grain_state (service_id, state_name, grain_n0, grain_n1, grain_key, version, payload)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), 1, substring(@PayloadBinary FROM 33)
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT pk_grain_state DO NOTHING
    RETURNING version
), keyed AS (
    INSERT INTO state_keys (service_id, state_name, grain_n0, grain_n1, grain_key, secret)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), substring(@PayloadBinary FROM 1 FOR 32)
    WHERE EXISTS (SELECT 1 FROM updated) OR EXISTS (SELECT 1 FROM inserted)
    ON CONFLICT ON CONSTRAINT pk_state_keys DO UPDATE SET secret = EXCLUDED.secret
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted;
