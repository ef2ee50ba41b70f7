-- 0007: people's blind side-by-side choices (issue 16). A blind session
-- keeps its layout (which answers, in which order, which one on the left),
-- so a session resumed after a restart shows exactly what it showed; a
-- judgement is one person's choice between two answers to one case, as they
-- were shown (left_result on the left). One choice per person per pair of
-- answers: choosing again replaces it.
CREATE TABLE blind_sessions (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    who        TEXT    NOT NULL DEFAULT '',
    seed       INTEGER NOT NULL,
    items      TEXT    NOT NULL, -- JSON [{"set","case","left","right"}], in the order shown
    created_at TEXT    NOT NULL
);
CREATE INDEX blind_sessions_run ON blind_sessions (run_id, who);
CREATE TABLE judgements (
    id           INTEGER PRIMARY KEY,
    left_result  INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    right_result INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    choice       TEXT    NOT NULL CHECK (choice IN ('left', 'right', 'same', 'both_bad')),
    who          TEXT    NOT NULL DEFAULT '',
    session_id   INTEGER REFERENCES blind_sessions (id) ON DELETE SET NULL,
    judged_at    TEXT    NOT NULL,
    CHECK (left_result <> right_result)
);
CREATE UNIQUE INDEX judgements_pair ON judgements (min(left_result, right_result), max(left_result, right_result), who);
CREATE INDEX judgements_right ON judgements (right_result);
