-- Hajime schema 2: `GET /api/v1/matches` (MatchesRepo.list) reads match records newest first,
-- `ORDER BY inserted_at DESC, id DESC LIMIT n`, optionally of one mode. Without an index in that order
-- every page read sorted the whole table; with one it reads the first n entries of the index (backwards).
CREATE INDEX match_records_inserted_idx ON match_records (inserted_at, id);
CREATE INDEX match_records_mode_inserted_idx ON match_records (mode, inserted_at, id);
DROP INDEX match_records_mode_idx;
