-- Membership: remove rows of silos declared dead (status 6) whose last heartbeat is older than @IAmAliveTime.
DELETE FROM membership_silo
WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime;
