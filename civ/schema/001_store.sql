-- civ-compstat store, version 1.
-- Timestamps are TIMESTAMPTZ in UTC; coordinates WGS84 (lat/lon, degrees).
-- Applied once, in one transaction with its row in schema_version (etl/store.py).

CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE categories (
    code           VARCHAR PRIMARY KEY,      -- 'sluikstort'
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL,
    category_group VARCHAR NOT NULL,         -- 'afval', 'overlast', ...
    gas_relevant   BOOLEAN NOT NULL          -- can lead to a GAS finding
);

-- How a label in an export maps to a category; source '*' applies to every format.
CREATE TABLE category_aliases (
    source        VARCHAR NOT NULL,          -- '*', 'police-uk', 'open311'
    alias         VARCHAR NOT NULL,          -- lower case, trimmed
    category_code VARCHAR NOT NULL,
    PRIMARY KEY (source, alias)
);

CREATE TABLE channels (
    code     VARCHAR PRIMARY KEY,            -- 'probleembox'
    label_nl VARCHAR NOT NULL,
    label_en VARCHAR NOT NULL
);

CREATE TABLE channel_aliases (
    source       VARCHAR NOT NULL,
    alias        VARCHAR NOT NULL,
    channel_code VARCHAR NOT NULL,
    PRIMARY KEY (source, alias)
);

CREATE TABLE areas (
    code        VARCHAR PRIMARY KEY,         -- NIS code: '23002' (Asse), '23002E' (Zellik)
    name        VARCHAR NOT NULL,            -- 'Zellik'
    level       VARCHAR NOT NULL CHECK (level IN ('municipality', 'submunicipality')),
    parent_code VARCHAR,
    geojson     VARCHAR NOT NULL,            -- geometry, WGS84
    min_lat DOUBLE, min_lon DOUBLE, max_lat DOUBLE, max_lon DOUBLE
);

CREATE SEQUENCE import_batch_ids START 1;
CREATE TABLE import_batches (
    batch_id    INTEGER PRIMARY KEY DEFAULT nextval('import_batch_ids'),
    kind        VARCHAR NOT NULL,            -- reports, fixes, devices, hotspots, projects
    file_name   VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    format      VARCHAR NOT NULL,
    load_key    VARCHAR NOT NULL,            -- kind + content hash + options that change meaning
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    rows_in     BIGINT NOT NULL DEFAULT 0,
    loaded      BIGINT NOT NULL DEFAULT 0,
    quarantined BIGINT NOT NULL DEFAULT 0,
    duplicates  BIGINT NOT NULL DEFAULT 0,
    updated     BIGINT NOT NULL DEFAULT 0,   -- of loaded: rows that replaced an earlier version
    is_demo     BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE quarantine (
    batch_id   INTEGER NOT NULL,
    row_number BIGINT NOT NULL,              -- 1 = first data row of the file
    raw_text   VARCHAR,                      -- the row as read (personal fields pseudonymised)
    reason     VARCHAR NOT NULL              -- Dutch, for the coordinator
);

CREATE TABLE reports (
    source            VARCHAR NOT NULL,      -- format the report came from
    source_id         VARCHAR NOT NULL,      -- id in that source (generated when the source has none)
    batch_id          INTEGER NOT NULL,
    reported_at       TIMESTAMPTZ NOT NULL,
    reported_precision VARCHAR NOT NULL,     -- 'minute', 'day' or 'month' (police-uk gives months only)
    category_code     VARCHAR NOT NULL,
    source_category   VARCHAR,               -- the label as the export spelled it
    channel_code      VARCHAR NOT NULL,
    channel_detail    VARCHAR,               -- e.g. the Pro?bleembox mailbox number
    status            VARCHAR NOT NULL,      -- open, in_behandeling, afgesloten, onbekend
    closed_at         TIMESTAMPTZ,
    lat               DOUBLE,                -- NULL when the report has no location
    lon               DOUBLE,
    area_code         VARCHAR,
    description       VARCHAR,
    gas_finding       BOOLEAN NOT NULL,
    reporter_hash     VARCHAR,               -- keyed hash, never the identity itself
    content_hash      VARCHAR NOT NULL,      -- tells an update from a repeat
    PRIMARY KEY (source, source_id)
);

CREATE TABLE wardens (
    warden_code  VARCHAR PRIMARY KEY,        -- pseudonymous: 'GW-A'
    display_name VARCHAR NOT NULL
);

CREATE TABLE devices (
    device_id   VARCHAR NOT NULL,
    warden_code VARCHAR NOT NULL,
    valid_from  TIMESTAMPTZ,                 -- NULL: since always
    valid_to    TIMESTAMPTZ,                 -- NULL: still in use
    batch_id    INTEGER NOT NULL
);

-- No index on purpose: tens of millions of rows; duplicates are checked per batch time range.
CREATE TABLE fixes (
    device_id      VARCHAR NOT NULL,
    ts             TIMESTAMPTZ NOT NULL,
    lat            DOUBLE NOT NULL,
    lon            DOUBLE NOT NULL,
    accuracy_m     DOUBLE,
    speed_kmh      DOUBLE,
    batch_id       INTEGER NOT NULL,
    is_outlier     BOOLEAN NOT NULL DEFAULT false,
    outlier_reason VARCHAR
);

-- A fix belongs to the warden its device was lent to at that moment, else to the device itself.
CREATE VIEW fixes_attributed AS
SELECT f.*,
       coalesce(d.warden_code, f.device_id) AS holder,
       d.warden_code IS NOT NULL            AS has_warden
FROM fixes f
LEFT JOIN devices d
  ON d.device_id = f.device_id
 AND (d.valid_from IS NULL OR f.ts >= d.valid_from)
 AND (d.valid_to   IS NULL OR f.ts <  d.valid_to);

CREATE TABLE hotspots (
    hotspot_id VARCHAR PRIMARY KEY,          -- slug of the name
    name       VARCHAR NOT NULL,
    kind       VARCHAR,                      -- station, plein, park, glasbol, school, ...
    geojson    VARCHAR NOT NULL,             -- Point (with radius_m) or (Multi)Polygon, WGS84
    center_lat DOUBLE NOT NULL,
    center_lon DOUBLE NOT NULL,
    radius_m   DOUBLE NOT NULL,              -- points: the watched radius; polygons: enclosing radius
    min_lat DOUBLE NOT NULL, min_lon DOUBLE NOT NULL, max_lat DOUBLE NOT NULL, max_lon DOUBLE NOT NULL,
    batch_id   INTEGER NOT NULL
);

CREATE TABLE projects (
    name       VARCHAR PRIMARY KEY,
    type       VARCHAR,
    start_date DATE NOT NULL,
    end_date   DATE,
    categories VARCHAR[] NOT NULL,           -- category codes; empty: all
    area       VARCHAR,                      -- sub-municipality code or hotspot_id; NULL: whole territory
    area_kind  VARCHAR,                      -- 'area', 'hotspot' or NULL
    batch_id   INTEGER NOT NULL
);
