-- 004_provisioning: what issue 3 adds: credentials the provisioner sets,
-- secrets the connection requester needs, tags, the file store catalogue,
-- file transfers, CPE requests, and the provisioner's own bookkeeping.

-- The gateway looks classes up by upper(oui) on every Inform.
CREATE INDEX device_classes_upper ON device_classes (upper(oui), product_class);

-- Connection-request credentials (cwmp-reference.md 6), set together with
-- the unique ManagementServer credentials. The password is needed in clear
-- to answer the CPE's Digest challenge and to sign UDP requests, so it is
-- sealed (acs_secret.h: AES-256-GCM under ACS_SECRET_KEY, bound to the
-- device id), never hashed.
ALTER TABLE device_credentials
    ADD COLUMN cr_username text,
    ADD COLUMN cr_password_enc text;

-- Credentials the provisioner is setting (its SetParameterValues is in
-- flight). The gateway accepts them as well as the current ones, so a CPE
-- that applied the set is never locked out, even if the provisioner died
-- before it saw the result. Whoever learns first that the CPE has them
-- (the gateway, from an Inform authenticated with them; the provisioner,
-- from a successful result) promotes them with halyard_promote_credentials.
-- The username is unique here as in device_credentials, and the provisioner
-- draws usernames at random, so a header names one device.
CREATE TABLE pending_credentials (
    device_id       text PRIMARY KEY,
    username        text NOT NULL UNIQUE,
    ha1             text NOT NULL CHECK (ha1 ~ '^[0-9a-f]{32}$'),
    realm           text NOT NULL,
    cr_username     text,
    cr_password_enc text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Make the pending credentials of dev current. Returns true if there were
-- any. Idempotent: a second call finds nothing to do.
CREATE FUNCTION halyard_promote_credentials(dev text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    p pending_credentials%ROWTYPE;
BEGIN
    DELETE FROM pending_credentials WHERE device_id = dev RETURNING * INTO p;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO device_credentials AS d
        (device_id, username, ha1, realm, cr_username, cr_password_enc, created_at, updated_at)
    VALUES (p.device_id, p.username, p.ha1, p.realm, p.cr_username, p.cr_password_enc,
            now(), now())
    ON CONFLICT (device_id) DO UPDATE SET
        username = EXCLUDED.username, ha1 = EXCLUDED.ha1, realm = EXCLUDED.realm,
        cr_username = coalesce(EXCLUDED.cr_username, d.cr_username),
        cr_password_enc = coalesce(EXCLUDED.cr_password_enc, d.cr_password_enc),
        updated_at = now();
    RETURN true;
END;
$$;

-- Operator labels ("pilot", "wifi-guest"); presets and bulk actions select by them.
CREATE TABLE device_tags (
    device_id text NOT NULL,
    tag       text NOT NULL CHECK (tag ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, tag)
);
CREATE INDEX device_tags_tag ON device_tags (tag);

-- The file store catalogue. Operator files (acsctl files add) live under
-- /files/<name>; CPE uploads under /upload/<device_id>/<name>, recorded here
-- by acs-inventory when the Upload completes. name is the path below the
-- store root ("files/fw-5.2.0.bin", "upload/<device>/cfg-....json").
CREATE TABLE files (
    name          text PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('firmware', 'config', 'log', 'other')),
    file_type     text,        -- the TR-069 FileType to use or that was used
    size          bigint,
    sha256        text,
    oui           text,        -- firmware: which devices it is for
    product_class text,
    version       text,        -- firmware: the SoftwareVersion it installs
    device_id     text,        -- uploads: whose
    source        text NOT NULL CHECK (source IN ('operator', 'upload')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_device ON files (device_id) WHERE device_id IS NOT NULL;

-- File transfers: Download, Upload and ScheduleDownload requests, correlated
-- with their TransferComplete by (device_id, command_key), and autonomous
-- transfers the CPE reported by itself. A pending transfer whose deadline
-- passes becomes timed_out (a failure, also written to faults); a
-- TransferComplete arriving later still records the real outcome.
CREATE TABLE transfers (
    id               bigserial PRIMARY KEY,
    device_id        text NOT NULL,
    command_key      text NOT NULL DEFAULT '',
    rpc_id           text,      -- the request; NULL for autonomous or unmatched completions
    method           text NOT NULL,  -- Download, Upload, ScheduleDownload, Autonomous
    is_download      boolean NOT NULL,
    file_type        text,
    url              text,      -- without credentials
    file_size        bigint,
    target_file_name text,
    state            text NOT NULL CHECK (state IN ('pending', 'completed', 'failed', 'timed_out')),
    fault_code       int,
    fault_string     text,
    requested_at     timestamptz,   -- when the CPE accepted the request
    deadline         timestamptz,   -- pending only
    start_time       text,          -- as the CPE reported them
    complete_time    text,
    completed_at     timestamptz,   -- when Halyard learned the outcome
    session_id       text           -- the session that reported the outcome
);
CREATE UNIQUE INDEX transfers_rpc ON transfers (rpc_id) WHERE rpc_id IS NOT NULL;
CREATE INDEX transfers_device_key ON transfers (device_id, command_key);
CREATE INDEX transfers_deadline ON transfers (deadline) WHERE state = 'pending';

-- Requests CPEs made of the ACS besides Inform and TransferComplete
-- (AutonomousTransferComplete, DUStateChangeComplete,
-- AutonomousDUStateChangeComplete, RequestDownload, Kicked), as received.
CREATE TABLE cpe_requests (
    message_id  text PRIMARY KEY,
    device_id   text NOT NULL,
    session_id  text,
    method      text NOT NULL,
    body        jsonb NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX cpe_requests_device_time ON cpe_requests (device_id, received_at);

-- acs-provision: when it last did something to a device (a parameter
-- refresh, a firmware step), so that any copy can decide the same way.
CREATE TABLE provision_state (
    device_id text NOT NULL,
    item      text NOT NULL,   -- "refresh:<name>", "firmware:<campaign>", ...
    done_at   timestamptz NOT NULL,
    detail    jsonb,
    PRIMARY KEY (device_id, item)
);

-- acs-provision: staged firmware rollouts. A copy takes a slot in the
-- current window with one UPDATE ... WHERE started < batch_size, so copies
-- never start more than the batch between them.
CREATE TABLE rollout_windows (
    campaign     text NOT NULL,
    window_start timestamptz NOT NULL,
    started      int NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, window_start)
);
