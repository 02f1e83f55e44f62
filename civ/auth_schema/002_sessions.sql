-- Login sessions kept on the server (issue 13, F4): the cookie carries a random token, this table its
-- SHA-256, so a session ends for good at logout, when its account is disabled, changes role or
-- password, or after the 10-hour cap — a copied cookie is worth nothing afterwards.

CREATE TABLE sessions (
    session_hash VARCHAR PRIMARY KEY,        -- hex SHA-256 of the token in the cookie (never the token)
    user_name    VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    remote_addr  VARCHAR
);
