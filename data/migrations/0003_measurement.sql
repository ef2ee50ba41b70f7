-- 0003: measured the way the latency benchmarks measure (issue 13): time to
-- the first answer token apart from the first token of any kind, time per
-- output token, chunks, cached and reasoning tokens, the warm-up request;
-- and the capacity tests of `llm-advisor load`.

ALTER TABLE results ADD COLUMN ttfat_ms         REAL    NOT NULL DEFAULT 0; -- first answer token (ttft_ms: first token of any kind)
ALTER TABLE results ADD COLUMN tpot_ms          REAL    NOT NULL DEFAULT 0; -- (latency - ttft) / (tokens_out - 1)
ALTER TABLE results ADD COLUMN chunks           INTEGER NOT NULL DEFAULT 0; -- stream chunks that carried tokens
ALTER TABLE results ADD COLUMN tokens_cached    INTEGER NOT NULL DEFAULT 0; -- prompt tokens read from the server's cache
ALTER TABLE results ADD COLUMN tokens_reasoning INTEGER NOT NULL DEFAULT 0; -- completion tokens spent thinking
ALTER TABLE results ADD COLUMN warmup           INTEGER NOT NULL DEFAULT 0 CHECK (warmup IN (0, 1)); -- 1: unmeasured warm-up

-- Before 0003 the first token was an answer token for every model the runner
-- could read, so the older figure stands for both.
UPDATE results SET ttfat_ms = ttft_ms;

-- A capacity test: one endpoint under a sweep of arrival rates.
CREATE TABLE load_tests (
    id                 INTEGER PRIMARY KEY,
    decision_id        INTEGER REFERENCES decisions (id) ON DELETE SET NULL,
    name               TEXT    NOT NULL DEFAULT '',
    endpoint           TEXT    NOT NULL,
    model              TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL,              -- running | done | cancelled | failed
    started_at         TEXT    NOT NULL,
    ended_at           TEXT,
    result             TEXT    NOT NULL DEFAULT '{}', -- the `load --json` object (target, peak, figures)
    plan               TEXT    NOT NULL DEFAULT '{}'  -- the plan as run, JSON, no secrets
);
CREATE INDEX load_tests_decision ON load_tests (decision_id);

-- One step of a capacity test, committed as soon as it ends.
CREATE TABLE load_steps (
    load_id    INTEGER NOT NULL REFERENCES load_tests (id) ON DELETE CASCADE,
    step_index INTEGER NOT NULL,
    step       TEXT    NOT NULL,                      -- the step as JSON (offered and achieved rate, percentiles, attainment)
    PRIMARY KEY (load_id, step_index)
);
