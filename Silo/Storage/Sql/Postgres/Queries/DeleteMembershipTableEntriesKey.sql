-- Membership: forget a whole cluster (its silo rows go with the version row).
DELETE FROM membership_version WHERE deployment_id = @DeploymentId;
