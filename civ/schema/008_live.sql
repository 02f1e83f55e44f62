-- Live positions pushed from phones and trackers (OsmAnd protocol, as Traccar Client speaks it).
-- The positions themselves go into `fixes`, one import batch (format 'osmand') per flush.

-- Devices that may push. The id is what the phone app sends (`id` / `device_id`) and is the
-- device's secret: whoever knows it can place positions, so a generated one is long and random.
CREATE TABLE live_devices (
    device_id     VARCHAR PRIMARY KEY,
    registered_at TIMESTAMPTZ NOT NULL,
    registered_by VARCHAR,                   -- user name; NULL from the command line
    revoked_at    TIMESTAMPTZ,               -- NULL: may push
    battery_pct   DOUBLE,                    -- the last battery level the device reported (0-100)
    battery_at    TIMESTAMPTZ                -- time of the position that carried it
);

-- Requests the endpoint refused or did not store, one row per minute, answer and reason
-- (never per request: a phone with a wrong id retries every few seconds all day).
CREATE TABLE live_refusals (
    minute    TIMESTAMPTZ NOT NULL,          -- start of the minute, UTC
    status    INTEGER NOT NULL,              -- 400 malformed, 403 unknown device, 429 too many, 200 not a fix
    reason    VARCHAR NOT NULL,              -- Dutch, for the coordinator
    device_id VARCHAR,                       -- as sent (may be empty or unknown)
    requests  BIGINT NOT NULL
);

-- How far the journal beside the store (<store>.live-journal) has been written into `fixes`:
-- every journal entry up to and including flushed_seq is in the store (in the same transaction).
CREATE TABLE live_journal_state (
    journal     VARCHAR PRIMARY KEY,         -- 'osmand'
    flushed_seq BIGINT NOT NULL
);
