-- 0001: the whole first schema of LLM Advisor.
-- Timestamps are UTC text in a fixed-width layout (2006-01-02T15:04:05.000000000Z)
-- so that they sort as text. API keys are never stored anywhere.

PRAGMA application_id = 1280068929; -- "LLMA": marks the file as an LLM Advisor database

CREATE TABLE decisions (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL DEFAULT '',
    answers        TEXT    NOT NULL,              -- advisor.Answers as JSON
    recommendation TEXT,                          -- advisor.Recommendation as JSON, NULL before the engine ran
    status         TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX decisions_updated ON decisions (updated_at DESC, id DESC);

CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    decision_id  INTEGER REFERENCES decisions (id) ON DELETE CASCADE, -- NULL: a CLI run without a decision
    name         TEXT    NOT NULL DEFAULT '',
    plan         TEXT    NOT NULL,                -- advisor.Plan as JSON (no keys: endpoints name env vars only)
    templates    TEXT    NOT NULL DEFAULT '{}',   -- prompt template per strategy, as JSON
    status       TEXT    NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'interrupted', 'failed')),
    total        INTEGER NOT NULL DEFAULT 0,      -- cells planned
    started_at   TEXT    NOT NULL,
    ended_at     TEXT,                            -- NULL while running
    owner_pid    INTEGER NOT NULL DEFAULT 0,      -- process that runs it, to find runs a crash left "running"
    owner_host   TEXT    NOT NULL DEFAULT '',
    heartbeat_at TEXT    NOT NULL                 -- refreshed by every saved result and by Heartbeat
);
CREATE INDEX runs_decision ON runs (decision_id, started_at DESC);
CREATE INDEX runs_started ON runs (started_at DESC, id DESC);
CREATE INDEX runs_status ON runs (status);

CREATE TABLE results (
    id                  INTEGER PRIMARY KEY,
    run_id              INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    endpoint            TEXT    NOT NULL,
    model               TEXT    NOT NULL DEFAULT '',
    strategy            TEXT    NOT NULL,
    case_index          INTEGER NOT NULL,
    repeat_index        INTEGER NOT NULL,
    output              TEXT    NOT NULL DEFAULT '',
    ttft_ms             REAL    NOT NULL DEFAULT 0,
    latency_ms          REAL    NOT NULL DEFAULT 0,
    queue_ms            REAL    NOT NULL DEFAULT 0,
    concurrency_at_send INTEGER NOT NULL DEFAULT 0,
    tokens_in           INTEGER NOT NULL DEFAULT 0,
    tokens_out          INTEGER NOT NULL DEFAULT 0,
    tokens_estimated    INTEGER NOT NULL DEFAULT 0 CHECK (tokens_estimated IN (0, 1)),
    cost_usd            REAL    NOT NULL DEFAULT 0,
    score               REAL    NOT NULL DEFAULT 0,
    passed              INTEGER NOT NULL DEFAULT 0 CHECK (passed IN (0, 1)),
    checks              TEXT    NOT NULL DEFAULT '[]', -- [{check, score, reason}]
    error_class         TEXT    NOT NULL DEFAULT '',   -- empty when the request succeeded
    error_message       TEXT    NOT NULL DEFAULT '',
    started_at          TEXT,
    ended_at            TEXT,
    -- One row per cell: a resumed run replaces a cell that was cancelled.
    UNIQUE (run_id, endpoint, strategy, case_index, repeat_index)
);

-- Documents of the rag strategy, chunked, with an FTS5 index over the chunks.
CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    source     TEXT NOT NULL,                     -- file name relative to the documents folder
    indexed_at TEXT NOT NULL,
    UNIQUE (collection, source)
);

CREATE TABLE chunks (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    UNIQUE (document_id, chunk_index)
);

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    text,
    content = 'chunks',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER chunks_au AFTER UPDATE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
