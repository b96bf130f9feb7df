-- 003_rpc_detail: keep the human-readable detail of an RPC outcome (why a
-- request was invalid, what the CPE sent instead of an answer), next to
-- its machine-readable reason. Operators read it in acsctl.
ALTER TABLE rpc_results ADD COLUMN detail text;
