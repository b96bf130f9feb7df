-- 001_initial: what acs-inventory records about devices and their sessions.
--
-- Applied once, inside one transaction, by acs-inventory (--migrate or at
-- start-up), which records it in schema_migrations. No BEGIN/COMMIT here,
-- and nothing that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
--
-- Sized for millions of devices: few indexes, each one serving a query
-- that runs often; the tables written on every Inform (devices, parameters,
-- sessions) leave free space in their pages so updates stay HOT (no index
-- change when no indexed column changes). Ids are text: the escaped device
-- key (OUI-ProductClass-SerialNumber), the gateway's session id, the
-- requester's RPC id. Every timestamp is timestamptz.

-- One row per CPE, upserted on every Inform.
CREATE TABLE devices (
    device_id                text PRIMARY KEY,
    oui                      text,
    product_class            text,
    serial_number            text,
    manufacturer             text,
    first_seen               timestamptz,
    last_seen                timestamptz,  -- received_at of the newest Inform
    last_inform_addr         text,         -- address the CPE last informed from
    cwmp_version             text,
    software_version         text,         -- <root>.DeviceInfo.SoftwareVersion
    hardware_version         text,         -- <root>.DeviceInfo.HardwareVersion
    periodic_inform_interval int,          -- <root>.ManagementServer.PeriodicInformInterval
    connection_request_url   text,         -- <root>.ManagementServer.ConnectionRequestURL
    last_session_id          text,
    last_boot                timestamptz,  -- newest Inform with "1 BOOT"
    last_bootstrap           timestamptz   -- newest Inform with "0 BOOTSTRAP"
) WITH (fillfactor = 80);

-- Groups for policies and firmware campaigns ("every HGW 5 of OUI 00D09E").
CREATE INDEX devices_class ON devices (oui, product_class);
-- The help desk looks devices up by the serial printed on the box.
CREATE INDEX devices_serial ON devices (serial_number);

-- The device's data model as last reported (Inform, GetParameterValues).
-- The largest table (hundreds of rows per device): no surrogate key, no
-- index beyond the primary key, which also serves "all parameters of a
-- device" and prefix searches under one device. updated_at is when the
-- stored value last changed; a value reported again unchanged is not
-- rewritten. type is the xsi:type local part ("string", "unsignedInt"...).
CREATE TABLE parameters (
    device_id  text NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,
    name       text NOT NULL,
    value      text,
    type       text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (device_id, name)
) WITH (fillfactor = 90);

-- Inform event codes ("1 BOOT", "M Download" + CommandKey) and transfer
-- completions. A session carries each (code, command_key) once, which makes
-- a redelivered message a no-op (events_once).
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    device_id   text NOT NULL,
    session_id  text NOT NULL,
    code        text NOT NULL,
    command_key text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL
);
CREATE INDEX events_device_time ON events (device_id, received_at);
CREATE UNIQUE INDEX events_once ON events (session_id, code, command_key);

-- One row per CWMP session. A row may be created by whichever of its
-- messages arrives first (rpc.result, session.closed, inform): all of them
-- upsert, so started_at is NULL until the Inform is recorded.
CREATE TABLE sessions (
    session_id   text PRIMARY KEY,
    device_id    text NOT NULL,
    started_at   timestamptz,
    ended_at     timestamptz,
    end_reason   text,
    remote_addr  text,
    cwmp_version text,
    gateway      text,
    rpcs         int NOT NULL DEFAULT 0,
    faults       int NOT NULL DEFAULT 0
) WITH (fillfactor = 90);
CREATE INDEX sessions_device_time ON sessions (device_id, started_at);

-- CPE faults: answers to RPCs (rpc_id set) and failed transfers
-- (method 'TransferComplete'). message_id makes a redelivery a no-op.
CREATE TABLE faults (
    id         bigserial PRIMARY KEY,
    message_id text NOT NULL UNIQUE,
    device_id  text NOT NULL,
    session_id text,
    rpc_id     text,
    method     text,
    code       int NOT NULL,
    string     text,
    detail     jsonb,  -- the fault object as received (set_parameter_faults...)
    at         timestamptz NOT NULL
);
CREATE INDEX faults_device_time ON faults (device_id, at);

-- The outcome of each RPC, one row per RPC id (upserted: an RPC reported
-- 'failed' and answered in a later session ends up 'ok').
CREATE TABLE rpc_results (
    rpc_id       text PRIMARY KEY,
    device_id    text NOT NULL,
    session_id   text,
    method       text NOT NULL,
    status       text NOT NULL CHECK (status IN ('ok', 'fault', 'failed')),
    reason       text,
    completed_at timestamptz NOT NULL
);
CREATE INDEX rpc_results_device_time ON rpc_results (device_id, completed_at);
