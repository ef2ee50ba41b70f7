-- 0006: people's scores of single answers (issue 16): a score from 0 to 1
-- (thumbs: 0 or 1; a 1-5 scale maps to 0, .25, .5, .75, 1), an optional
-- note, who gave it and when. One score per person per answer: rating again
-- replaces it. Deleting a run deletes its results and so their ratings.
CREATE TABLE ratings (
    id        INTEGER PRIMARY KEY,
    result_id INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    score     REAL    NOT NULL CHECK (score >= 0 AND score <= 1),
    note      TEXT    NOT NULL DEFAULT '',
    who       TEXT    NOT NULL DEFAULT '',
    rated_at  TEXT    NOT NULL,
    UNIQUE (result_id, who)
);
CREATE INDEX ratings_result ON ratings (result_id);
