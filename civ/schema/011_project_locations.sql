-- civ-compstat store, version 11: a project placed by an address (etl/projects.py, issue 17).
-- A project's place was a sub-municipality or a defined hot spot; a project file may now give an address
-- instead ('Markt 1, 1785 Merchtem', or street + number), placed on the address register's point like a
-- report or a hot spot. Its footprint is the circle of radius_m around that point (area_kind 'address').
ALTER TABLE projects ADD COLUMN lat DOUBLE;               -- the register's point (WGS84)
ALTER TABLE projects ADD COLUMN lon DOUBLE;
ALTER TABLE projects ADD COLUMN radius_m DOUBLE;          -- the footprint's radius around the point
ALTER TABLE projects ADD COLUMN location_source VARCHAR;  -- 'address' or 'address_nearest_number'
ALTER TABLE projects ADD COLUMN address_id VARCHAR;       -- the register's address the point is taken from
ALTER TABLE projects ADD COLUMN location_remark VARCHAR;  -- Dutch: how it was placed when not exactly
