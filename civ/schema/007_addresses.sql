-- civ-compstat store, version 7: the official address register (BOSA BeSt-Address) and geocoding.
-- Written by etl/addresses.py (the register, street aliases) and etl/geocoding.py (where a report was
-- placed and how). The register holds only the territory's municipalities, current and proposed
-- addresses; a newer file replaces the rows of the municipalities it brings.

-- What the export said about the place, kept so a report can be placed again later (a newer register,
-- a fixed alias) and so a coordinator sees what the clerk wrote.
ALTER TABLE reports ADD COLUMN street VARCHAR;           -- 'Kerkstr.', as written
ALTER TABLE reports ADD COLUMN house_number VARCHAR;     -- '12 bus 2', '12A', '12/2'
ALTER TABLE reports ADD COLUMN postcode VARCHAR;         -- '1731'
ALTER TABLE reports ADD COLUMN place VARCHAR;            -- sub-municipality or postname: 'Zellik', 'Peizegem'
ALTER TABLE reports ADD COLUMN address_text VARCHAR;     -- one text: 'Kerkstraat 12 bus 2, 1785 Merchtem'
-- How lat/lon came about: 'given' (the file had coordinates), 'address' (the register's point of that
-- number), 'address_nearest_number' (the nearest number on the same side of that street), 'street'
-- (the street's middle: fine for a month's counts, too coarse for a hot spot), NULL (no location).
ALTER TABLE reports ADD COLUMN location_source VARCHAR;
ALTER TABLE reports ADD COLUMN address_id VARCHAR;       -- the register's address the point is taken from
ALTER TABLE reports ADD COLUMN location_remark VARCHAR;  -- Dutch: why an address could not be placed
UPDATE reports SET location_source = 'given' WHERE lat IS NOT NULL;

ALTER TABLE hotspots ADD COLUMN location_source VARCHAR;
ALTER TABLE hotspots ADD COLUMN address_id VARCHAR;

-- One row per register address kept (status current or proposed), WGS84 as the file gives it.
-- No primary key on purpose: its index cost a region's load more than the load itself; the loader
-- keeps one row per address_id (current before proposed).
CREATE TABLE addresses (
    address_id        VARCHAR NOT NULL,
    street_id         VARCHAR NOT NULL,
    municipality_nis  VARCHAR NOT NULL,    -- municipality_id of the file: the NIS code, '23002'
    municipality_name VARCHAR,
    postcode          VARCHAR,
    postname          VARCHAR,
    street_nl         VARCHAR,
    street_fr         VARCHAR,
    street_de         VARCHAR,
    house_number      VARCHAR NOT NULL,    -- as the register writes it: '12', '12A'
    box_number        VARCHAR,             -- '0001', 'A', '1.1'
    number_int        INTEGER,             -- 12 of '12A': the nearest-number rule works on it
    number_letter     VARCHAR NOT NULL,    -- 'a' of '12A'; '' when none
    box_key           VARCHAR NOT NULL,    -- box without leading zeros, lower case; '' when none
    status            VARCHAR NOT NULL,    -- current, proposed
    lat               DOUBLE NOT NULL,
    lon               DOUBLE NOT NULL
);

-- One row per street and spelling (Dutch, French, German names) with its normalised key, the places
-- that tell equal names apart, and the street's middle (the address nearest the mean of its addresses).
CREATE TABLE address_streets (
    street_id         VARCHAR NOT NULL,
    municipality_nis  VARCHAR NOT NULL,
    street_name       VARCHAR NOT NULL,
    name_key          VARCHAR NOT NULL,
    place_keys        VARCHAR[] NOT NULL,  -- postnames and the sub-municipality it lies in (keys)
    municipality_key  VARCHAR,             -- the municipality's name (key): a weaker hint than the above
    place_label       VARCHAR NOT NULL,    -- '1731 Zellik': how a remark names the street's place
    postcodes         VARCHAR[] NOT NULL,
    middle_lat        DOUBLE NOT NULL,
    middle_lon        DOUBLE NOT NULL
);

-- Each register file loaded, with its counts (the newest one per municipality is in `addresses`).
CREATE SEQUENCE address_register_load_ids START 1;
CREATE TABLE address_register_loads (
    load_id        INTEGER PRIMARY KEY DEFAULT nextval('address_register_load_ids'),
    file_name      VARCHAR NOT NULL,
    file_sha256    VARCHAR NOT NULL,
    loaded_at      TIMESTAMPTZ NOT NULL,
    projection     VARCHAR NOT NULL,       -- 'EPSG:31370' or 'EPSG:3812': the projected pair the file had
    municipalities VARCHAR[] NOT NULL,
    rows_in        BIGINT NOT NULL,        -- every row of the file
    kept           BIGINT NOT NULL         -- current and proposed addresses of the territory
);

-- A clerk's way of writing a street -> the register's name ('Stwg op Brussel' -> 'Brusselsesteenweg').
CREATE TABLE street_aliases (
    alias_key   VARCHAR PRIMARY KEY,       -- normalised like address_streets.name_key
    alias       VARCHAR NOT NULL,
    street_name VARCHAR NOT NULL,
    street_key  VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- An undo (`etl batches undo`) puts a replaced report back with its address and how it was placed.
ALTER TABLE report_versions ADD COLUMN street VARCHAR;
ALTER TABLE report_versions ADD COLUMN house_number VARCHAR;
ALTER TABLE report_versions ADD COLUMN postcode VARCHAR;
ALTER TABLE report_versions ADD COLUMN place VARCHAR;
ALTER TABLE report_versions ADD COLUMN address_text VARCHAR;
ALTER TABLE report_versions ADD COLUMN location_source VARCHAR;
ALTER TABLE report_versions ADD COLUMN address_id VARCHAR;
ALTER TABLE report_versions ADD COLUMN location_remark VARCHAR;
