-- Membership: change a silo's status, suspicions and liveness if the table is still at version
-- @Version, bumping the version in the same statement. Answers 1 when the row changed, else 0.
WITH bumped AS (
    UPDATE membership_version
    SET version = version + 1, changed_on = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
    RETURNING deployment_id
), changed AS (
    UPDATE membership_silo AS s
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped AS b
    WHERE s.deployment_id = b.deployment_id
      AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
    RETURNING 1
)
SELECT count(*)::integer FROM changed;
