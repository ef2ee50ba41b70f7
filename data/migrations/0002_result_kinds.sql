-- 0002: results of the other kinds of case set (embedding, transcription,
-- image generation): the set and kind of each result, its kind's metrics,
-- the file it produced and the user's verdict on it.

ALTER TABLE results ADD COLUMN set_name TEXT    NOT NULL DEFAULT '';       -- case set ('' for the plan's top-level cases)
ALTER TABLE results ADD COLUMN kind     TEXT    NOT NULL DEFAULT '';       -- chat | embedding | transcription | image ('' before 0002: chat)
ALTER TABLE results ADD COLUMN metrics  TEXT    NOT NULL DEFAULT '{}';     -- {"recall_at_k": 1, "wer": 0.16, ...}
ALTER TABLE results ADD COLUMN artifact TEXT    NOT NULL DEFAULT '';       -- path of a generated image
ALTER TABLE results ADD COLUMN verdict  INTEGER CHECK (verdict IN (0, 1)); -- the user's accept (1) / reject (0); NULL: not rated
ALTER TABLE results ADD COLUMN unscored INTEGER NOT NULL DEFAULT 0 CHECK (unscored IN (0, 1)); -- 1: no quality score yet
