-- civ-compstat store, version 2: emerging hot-spot runs (written by analytics/hotspots/runs.py).
-- A run is what the detector said for one month, with its parameters and the data it saw, so the
-- meeting sees the flags computed for it and a later run can be compared with an earlier one.
-- JSON is kept as VARCHAR (no extension needed).

CREATE SEQUENCE hotspot_run_ids START 1;
CREATE TABLE hotspot_runs (
    run_id         INTEGER PRIMARY KEY DEFAULT nextval('hotspot_run_ids'),
    created_at     TIMESTAMPTZ NOT NULL,
    month          VARCHAR NOT NULL,          -- 'YYYY-MM', a calendar month in Europe/Brussels
    category       VARCHAR,                   -- category code or group the run was limited to; NULL: all
    parameters     VARCHAR NOT NULL,          -- JSON: the estimator's parameters and the method version
    data_cutoff    TIMESTAMPTZ,               -- end of the last reports or hot-spots import the run saw
    last_batch_id  INTEGER,                   -- that import's batch_id
    reports_until  TIMESTAMPTZ,               -- the latest report in the store at the time
    reports_used   BIGINT NOT NULL,           -- located reports in the history window
    candidates     INTEGER NOT NULL,
    results        INTEGER NOT NULL,
    seconds        DOUBLE NOT NULL,
    run_key        VARCHAR NOT NULL           -- month, category, parameters, cut-off: equal key, same run
);
CREATE INDEX hotspot_runs_key ON hotspot_runs (run_key);

CREATE TABLE hotspot_results (
    run_id             INTEGER NOT NULL,
    rank               INTEGER NOT NULL,      -- 1 = first in the list (emerging first, then by p-value)
    hotspot_id         VARCHAR NOT NULL,      -- stable for the same data: month, group, the reports that formed it
    category_group     VARCHAR NOT NULL,      -- the group searched, or 'alle'
    class              VARCHAR NOT NULL CHECK (class IN ('new', 'intensifying', 'persistent', 'diminishing',
                                                         'sporadic', 'historical')),
    emerging           BOOLEAN NOT NULL,
    lat                DOUBLE NOT NULL,       -- centre of the footprint, WGS84
    lon                DOUBLE NOT NULL,
    radius_m           DOUBLE NOT NULL,       -- centre to the farthest point of the footprint
    geometry           VARCHAR NOT NULL,      -- GeoJSON Polygon of the footprint, WGS84
    current            INTEGER NOT NULL,      -- reports in the footprint this month
    expected           DOUBLE NOT NULL,
    p_value            DOUBLE NOT NULL,       -- excess test, before correction
    q_value            DOUBLE NOT NULL,       -- after Benjamini–Hochberg over the month's candidates
    trend_z            DOUBLE,
    trend_p            DOUBLE,
    hot_months         INTEGER NOT NULL,      -- concentration months among the baseline months
    categories         VARCHAR NOT NULL,      -- JSON: [{category, label, group, count}]
    history            VARCHAR NOT NULL,      -- JSON: [{month, count}], oldest first
    on_defined_hotspot VARCHAR,               -- name of the defined hot spot it overlaps most
    reason             VARCHAR NOT NULL,      -- one Dutch sentence
    reason_en          VARCHAR NOT NULL,      -- the same in English, for the English page
    source             VARCHAR NOT NULL,      -- 'month', 'known' or 'history': where the footprint came from
    PRIMARY KEY (run_id, rank)
);
