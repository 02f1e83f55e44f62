-- civ-compstat store, version 5: the territory is data (civ/territory.py), not code.
-- Municipalities and their areas live in `areas` (as before); the territory's NIS codes, name,
-- outline and boundary source in `settings`. A hot-spot run remembers the territory it was computed
-- on, so a later change of territory leaves it as it was computed.
ALTER TABLE hotspot_runs ADD COLUMN territory VARCHAR;

