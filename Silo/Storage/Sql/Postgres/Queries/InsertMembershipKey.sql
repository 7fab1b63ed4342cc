-- Membership: add a silo row if the table is still at version @Version, bumping the version in the
-- same statement. The version row is locked first, so concurrent changes serialize on it.
-- Answers 1 when the row was added, 0 on a version conflict or an existing row.
WITH bumped AS (
    UPDATE membership_version
    SET version = version + 1, changed_on = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
    RETURNING deployment_id
), added AS (
    INSERT INTO membership_silo (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    ON CONFLICT ON CONSTRAINT pk_membership_silo DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM added;
