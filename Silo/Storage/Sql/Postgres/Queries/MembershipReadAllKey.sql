-- Membership: the table version and every silo's row (one row with null silo columns when there is none).
SELECT v.version AS "Version",
       s.address AS "Address", s.port AS "Port", s.generation AS "Generation",
       s.silo_name AS "SiloName", s.host_name AS "HostName", s.status AS "Status", s.proxy_port AS "ProxyPort",
       s.suspect_times AS "SuspectTimes", s.start_time AS "StartTime", s.i_am_alive_time AS "IAmAliveTime"
FROM membership_version AS v
LEFT JOIN membership_silo AS s ON s.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
