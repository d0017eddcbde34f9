-- 0005_secrets.sql - keys the server keeps from one start to the next.
--
-- client-key: the key of the keyed hash that stands for a client's address
-- in scan and report rows, so that scans from one client can be grouped over
-- time without the address itself ever being stored.

CREATE TABLE secret (
    name        TEXT PRIMARY KEY,
    value       BLOB NOT NULL
) STRICT, WITHOUT ROWID;
