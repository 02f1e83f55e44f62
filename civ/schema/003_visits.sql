-- civ-compstat store, version 3: warden coverage derived from the fixes.
-- Written only by analytics/coverage (refresh_visits), never by etl/: these tables can always be
-- dropped and rebuilt from fixes, devices and hotspots. Timestamps UTC; `day` is the Brussels date.

-- The fixes batches whose fixes are already in the tables below (the incremental bookkeeping).
CREATE TABLE coverage_batches (
    batch_id     INTEGER PRIMARY KEY,
    processed_at TIMESTAMPTZ NOT NULL
);

-- What the tables were computed with: 'rules' (the visit parameters), 'hotspot:<id>' and
-- 'device:<id>' (a hash of the hot spot's shape, of the device's warden mapping). A change is redone.
CREATE TABLE coverage_state (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- A visit: one tracker continuously inside one defined hot spot (short gaps merged).
CREATE TABLE visits (
    hotspot_id VARCHAR NOT NULL,
    device_id  VARCHAR NOT NULL,
    holder     VARCHAR NOT NULL,             -- warden code at the start of the visit, else the device id
    started_at TIMESTAMPTZ NOT NULL,         -- half a sampling interval before the first fix inside
    ended_at   TIMESTAMPTZ NOT NULL,         -- half a sampling interval after the last fix inside
    minutes    DOUBLE NOT NULL,              -- ended_at - started_at
    fixes      INTEGER NOT NULL              -- fixes inside the hot spot during the visit
);

-- Per tracker, holder and local day: time on duty (first to last fix) and distance.
CREATE TABLE duty_days (
    device_id   VARCHAR NOT NULL,
    holder      VARCHAR NOT NULL,
    day         DATE NOT NULL,
    first_fix   TIMESTAMPTZ NOT NULL,
    last_fix    TIMESTAMPTZ NOT NULL,
    fixes       INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,            -- minutes with at least one fix
    distance_km DOUBLE NOT NULL
);

-- Presence per square grid cell (analytics/grid.py frame, cell_m of the rules) and local day:
-- minutes with the tracker's mean position of that minute in the cell.
CREATE TABLE presence_cells (
    device_id VARCHAR NOT NULL,
    holder    VARCHAR NOT NULL,
    day       DATE NOT NULL,
    cell_x    INTEGER NOT NULL,
    cell_y    INTEGER NOT NULL,
    minutes   INTEGER NOT NULL
);
