-- Own exports as the municipality's systems write them (issue 16): statuses as data, remarks per row,
-- report versions for undo, mapping profiles stored by name, batches that can be undone or retried.

-- Statuses are reference data like channels; the class is what the analytics count on.
CREATE TABLE statuses (
    code         VARCHAR PRIMARY KEY,        -- 'in_behandeling'
    label_nl     VARCHAR NOT NULL,
    label_en     VARCHAR NOT NULL,
    status_class VARCHAR NOT NULL CHECK (status_class IN ('open', 'in_progress', 'closed', 'unknown'))
);

CREATE TABLE status_aliases (
    source      VARCHAR NOT NULL,            -- '*' or a format / profile source
    alias       VARCHAR NOT NULL,            -- lower case, trimmed
    status_code VARCHAR NOT NULL,
    PRIMARY KEY (source, alias)
);

-- A row that was loaded but whose secondary field was cleared or defaulted: the report is kept,
-- the field is flagged. One row per remark, with the batch that loaded it.
CREATE TABLE row_remarks (
    batch_id   INTEGER NOT NULL,
    row_number BIGINT NOT NULL,              -- 1 = first data row of the file
    record_key VARCHAR,                      -- the loaded record (reports: source_id)
    remark     VARCHAR NOT NULL              -- Dutch, for the coordinator
);

-- The earlier version of every report a batch replaced: `batches undo` puts it back.
CREATE TABLE report_versions (
    replaced_by_batch INTEGER NOT NULL,
    source            VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    batch_id          INTEGER NOT NULL,
    reported_at       TIMESTAMPTZ NOT NULL,
    reported_precision VARCHAR NOT NULL,
    category_code     VARCHAR NOT NULL,
    source_category   VARCHAR,
    channel_code      VARCHAR NOT NULL,
    channel_detail    VARCHAR,
    status            VARCHAR NOT NULL,
    closed_at         TIMESTAMPTZ,
    lat               DOUBLE,
    lon               DOUBLE,
    area_code         VARCHAR,
    description       VARCHAR,
    gas_finding       BOOLEAN NOT NULL,
    reporter_hash     VARCHAR,
    content_hash      VARCHAR NOT NULL
);

-- Hot spots and projects are replaced by name: their earlier versions, as JSON rows.
CREATE TABLE replaced_rows (
    replaced_by_batch INTEGER NOT NULL,
    table_name        VARCHAR NOT NULL,      -- 'hotspots', 'projects', 'devices'
    row_json          VARCHAR NOT NULL
);

-- Mapping profiles saved by name (`python -m etl profile save NAME FILE`).
CREATE TABLE mapping_profiles (
    name       VARCHAR PRIMARY KEY,
    kind       VARCHAR,                      -- reports, fixes, devices, hotspots, projects (NULL: any)
    toml_text  VARCHAR NOT NULL,
    saved_at   TIMESTAMPTZ NOT NULL
);

-- What a retry needs to read a batch's quarantined rows again, and what undo left behind.
CREATE TABLE batch_details (
    batch_id      INTEGER PRIMARY KEY,
    header        VARCHAR,                   -- JSON list: the file's header as read
    delimiter     VARCHAR,
    profile_name  VARCHAR,
    retry_of      INTEGER,                   -- the batch whose quarantined rows this one retried
    row_numbers   VARCHAR,                   -- JSON list, for a retry: the original row number of each row
    undone_at     TIMESTAMPTZ,
    undone_by     VARCHAR
);

-- Derived tables computed on data an undo removed.
CREATE TABLE derived_stale (
    table_name VARCHAR PRIMARY KEY,
    since      TIMESTAMPTZ NOT NULL,
    reason     VARCHAR NOT NULL
);
