-- 0008: the documents each run retrieved from (issue 15): a fingerprint of
-- the passages indexed from a documents folder (a collection) for a run, so
-- that resuming the run after the folder changed is caught instead of mixing
-- answers drawn from two sets of documents.
CREATE TABLE run_corpora (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    collection  TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL, -- SHA-256 of every passage's source, index and text
    files       INTEGER NOT NULL,
    chunks      INTEGER NOT NULL,
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (run_id, collection)
);
