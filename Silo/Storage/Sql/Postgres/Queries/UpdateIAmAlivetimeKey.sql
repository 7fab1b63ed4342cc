-- Membership: a silo's heartbeat; does not change the table version.
UPDATE membership_silo
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
