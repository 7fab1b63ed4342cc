-- Membership: create the cluster's version row if missing; answers 1 when it was created, else 0.
WITH created AS (
    INSERT INTO membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created;
