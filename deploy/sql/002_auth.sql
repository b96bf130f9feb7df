-- 002_auth: what the gateway reads to authenticate CPEs, and its session
-- lease. acs-inventory only creates these tables; acs-gateway reads them,
-- the provisioner and operators write the credentials.
--
-- Passwords are never stored: ha1 is the lower-case hex of
-- MD5(username ":" realm ":" password), which is all HTTP Digest needs
-- (acs_digest_ha1), and what Basic is checked against by computing the same
-- from the offered password. The realm is kept beside it because HA1 is only
-- valid for that realm.

-- Unique per-device credentials, set by the provisioner after first contact.
-- The username is unique so that an Authorization header names exactly one
-- device, whose DeviceId the Inform must then carry.
CREATE TABLE device_credentials (
    device_id  text PRIMARY KEY,
    username   text NOT NULL UNIQUE,
    ha1        text NOT NULL CHECK (ha1 ~ '^[0-9a-f]{32}$'),
    realm      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Shared credentials a model is shipped with; they only let a device make
-- its first contact. product_class '*' matches any class of that OUI.
CREATE TABLE bootstrap_credentials (
    oui           text NOT NULL,
    product_class text NOT NULL DEFAULT '*',
    username      text NOT NULL,
    ha1           text NOT NULL CHECK (ha1 ~ '^[0-9a-f]{32}$'),
    realm         text NOT NULL,
    PRIMARY KEY (oui, product_class, username)
);

-- Operator policy per model. allow_basic_plain: Basic auth accepted over
-- plain HTTP (otherwise Basic is accepted over TLS only). product_class '*'
-- matches any class of that OUI.
CREATE TABLE device_classes (
    oui               text NOT NULL,
    product_class     text NOT NULL DEFAULT '*',
    allow_basic_plain boolean NOT NULL DEFAULT false,
    PRIMARY KEY (oui, product_class)
);

-- The gateway's lease: at most one live session per device. Rows live for
-- the length of a session and are rewritten on every request of it, hence
-- the free space per page. conn_key finds the lease of an HTTP connection.
CREATE TABLE live_sessions (
    device_id  text PRIMARY KEY,
    session_id text NOT NULL UNIQUE,
    gateway    text,
    conn_key   text,
    state      text,
    expires_at timestamptz NOT NULL
) WITH (fillfactor = 70);
CREATE INDEX live_sessions_conn_key ON live_sessions (conn_key);
