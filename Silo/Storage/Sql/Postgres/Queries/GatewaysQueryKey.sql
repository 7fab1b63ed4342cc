-- Membership: the gateways clients may use, i.e. silos in status @Status (Active) with a gateway port.
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM membership_silo
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
