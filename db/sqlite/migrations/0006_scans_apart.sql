-- 0006_scans_apart.sql - scan events move to a file of their own.
--
-- Scans are written all the time; while they shared the main file, every
-- commit of a scan made each server worker drop its page cache of the main
-- file, labels and all. The scans file is attached as `scans` and holds the
-- same table (see scans_schema in db/sqlite.c); rows recorded before keep their ids.

INSERT OR IGNORE INTO scans.scan (id, at, code, raw, verdict, client_key, ua_class)
    SELECT id, at, code, raw, verdict, client_key, ua_class FROM main.scan;
DROP TABLE main.scan;
