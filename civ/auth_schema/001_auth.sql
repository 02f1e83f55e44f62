-- The security store: users and the audit log, in their own DuckDB file beside the main store
-- (civ-auth.duckdb), so that a login or an audit entry never waits for a long import.

CREATE TABLE users (
    name          VARCHAR PRIMARY KEY,
    role          VARCHAR NOT NULL CHECK (role IN ('beheerder', 'coordinator', 'kerngroep', 'politie')),
    password_hash VARCHAR NOT NULL,          -- argon2id
    created_at    TIMESTAMPTZ NOT NULL,
    disabled_at   TIMESTAMPTZ,
    last_login_at TIMESTAMPTZ
);

CREATE TABLE audit_log (
    logged_at   TIMESTAMPTZ NOT NULL,
    user_name   VARCHAR,                     -- NULL for a failed login of an unknown name
    event       VARCHAR NOT NULL,            -- login, login_failed, logout, export, track_view, overview_list, retention, user_added, ...
    detail      VARCHAR,
    remote_addr VARCHAR
);
