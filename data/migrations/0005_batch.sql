-- 0005: the Batch API (issue 17). A result sent through a provider's batch
-- is marked (it has no latency figures); each input file of a run is a row
-- of batches, stored when the provider accepts it, so polling resumes after
-- the program is closed. cells is the JSON list of the file's requests in
-- custom_id order. No key is stored.
ALTER TABLE results ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    endpoint      TEXT    NOT NULL,
    strategy      TEXT    NOT NULL,
    provider_id   TEXT    NOT NULL DEFAULT '',
    input_file_id TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT '',
    total         INTEGER NOT NULL DEFAULT 0,
    completed     INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    cells         TEXT    NOT NULL DEFAULT '[]',
    output_file   TEXT    NOT NULL DEFAULT '',
    error_file    TEXT    NOT NULL DEFAULT '',
    collected     INTEGER NOT NULL DEFAULT 0,
    error         TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX batches_run ON batches (run_id);
