-- The tracker of each refused fix whose raw text does not name it (a GPX track's name, `--device`, a
-- live phone): `python -m etl quarantine retry` reads the row again with it.
CREATE TABLE quarantine_devices (
    batch_id   INTEGER NOT NULL,
    row_number BIGINT NOT NULL,
    device_id  VARCHAR
);
