// Versioned schema. PRAGMA user_version holds the number of migrations applied; each runs in
// its own transaction, so a power cut mid-upgrade leaves the previous version intact.
// Never edit a shipped migration: append a new one.
export const MIGRATIONS: string[] = [
  /* 1 */ `
  CREATE TABLE raw_obs (
    ts       INTEGER NOT NULL,             -- UTC ms
    sensor   TEXT    NOT NULL,
    quantity TEXT    NOT NULL,
    value    REAL,                         -- NULL: the device reported no valid value
    flag     TEXT    NOT NULL,
    reasons  TEXT    NOT NULL DEFAULT ''   -- comma-separated QC reasons
  );
  CREATE INDEX raw_obs_sensor_ts ON raw_obs (sensor, ts);

  CREATE TABLE minute_records (
    sensor TEXT    NOT NULL,
    ts     INTEGER NOT NULL,               -- start of the minute, UTC ms
    record TEXT    NOT NULL,               -- MinuteRecord as JSON (core/wire.ts)
    PRIMARY KEY (sensor, ts)
  ) WITHOUT ROWID;

  -- A batch stays here until the central system's ack names its seq (a broker PUBACK is not enough).
  -- AUTOINCREMENT: a seq is never reused, even after the row is acked and deleted.
  CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    created   INTEGER NOT NULL,
    n_records INTEGER NOT NULL,
    payload   TEXT    NOT NULL,
    attempts  INTEGER NOT NULL DEFAULT 0,
    last_sent INTEGER
  );

  CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 2 (issue #5) */ `
  -- Which batch carried each record, so a batch the central system lost after acking it can be
  -- rebuilt from the records (gap reconciliation). NULL for records stored before this version.
  ALTER TABLE minute_records ADD COLUMN seq INTEGER;
  CREATE INDEX minute_records_seq ON minute_records (seq);

  -- What the disk quota (or a full disk) made the station drop: never silently.
  CREATE TABLE evictions (
    at        INTEGER NOT NULL,            -- clock ms of the eviction
    kind      TEXT    NOT NULL,            -- 'raw' | 'records' | 'batches'
    first_seq INTEGER,                     -- batches: the seq range evicted unsent
    last_seq  INTEGER,
    from_ts   INTEGER,                     -- data time range evicted
    to_ts     INTEGER,
    n         INTEGER NOT NULL,            -- rows evicted
    reason    TEXT    NOT NULL
  );
  CREATE INDEX evictions_seq ON evictions (first_seq, last_seq);
  `,
  /* 3 (issue #6) */ `
  -- 10-minute and hourly aggregates (gateway/aggregate/period.ts) and the station's choice
  -- among redundant sensors (period '1min', sensor 'station'): kept locally, not uplinked (yet).
  CREATE TABLE aggregates (
    period TEXT    NOT NULL,               -- '1min' | '10min' | '1h'
    sensor TEXT    NOT NULL,
    ts     INTEGER NOT NULL,               -- start of the period, UTC ms
    record TEXT    NOT NULL,               -- PeriodAggregate / StationMinute as JSON
    PRIMARY KEY (period, sensor, ts)
  ) WITHOUT ROWID;
  `,
  /* 4 (issue #7) */ `
  -- The station's nowcasts (gateway/pipeline/nowcast.ts): one per hour of inputs and model version.
  CREATE TABLE nowcasts (
    ts       INTEGER NOT NULL,             -- end of the last hour of inputs (the nowcast's "now"), UTC ms
    model    TEXT    NOT NULL,             -- the model's manifest version
    made     INTEGER NOT NULL,             -- clock ms when it was computed
    payload  TEXT    NOT NULL,             -- the message as sent on bonin/v1/{station}/nowcast (JSON)
    sent     INTEGER,                      -- clock ms of the broker's PUBACK; NULL: not yet sent
    PRIMARY KEY (ts, model)
  ) WITHOUT ROWID;
  `,
  // Slots 5–7 were reserved at the start of the session that took issues #8 and #10, so work
  // done in parallel appends without renumbering. A slot still holding only a comment changes nothing.
  /* 5 (issue #8: camera frames) */ `
  -- Camera frames (gateway/camera/frame-store.ts): the JPEG is a file beside the database
  -- (frames/<camera>/<ts>.jpg, written atomically); this row is its metadata, its thumbnail and
  -- its sky features. The frames' own quota (cameras.frames_quota_mb) and a full disk evict
  -- oldest first, before anything else of the station (evictions kind 'frames').
  CREATE TABLE IF NOT EXISTS frames (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    camera     TEXT    NOT NULL,
    ts         INTEGER NOT NULL,           -- when the snapshot was taken, UTC ms
    path       TEXT    NOT NULL,           -- the JPEG, relative to the frames folder
    bytes      INTEGER NOT NULL,           -- size of that file
    width      INTEGER,
    height     INTEGER,
    thumb      BLOB,                       -- small JPEG sent on bonin/v1/{station}/image; NULL: frame unreadable
    features   TEXT,                       -- sky features as JSON; NULL: frame unreadable
    error      TEXT,                       -- why the frame could not be read (kept for the technician)
    thumb_sent INTEGER,                    -- clock ms of the broker's PUBACK of the thumbnail; NULL: not yet
    full_asked INTEGER,                    -- clock ms the centre asked for the full frame (frame command)
    full_sent  INTEGER,                    -- clock ms of the PUBACK of the full frame
    UNIQUE (camera, ts)
  );
  CREATE INDEX IF NOT EXISTS frames_ts ON frames (ts);
  CREATE INDEX IF NOT EXISTS frames_thumb_unsent ON frames (thumb_sent, ts);
  `,
  /* 6 (issue #10: signed commands) */ `
  -- Ids (nonces) of the signed commands already seen (gateway/commands/nonces.ts), kept until
  -- their envelope expires plus a margin: a replayed command finds its id here and is refused.
  CREATE TABLE command_nonces (
    id      TEXT    PRIMARY KEY,           -- the envelope's id
    cmd     TEXT    NOT NULL,
    expires INTEGER NOT NULL,              -- the envelope's expires, UTC ms
    seen    INTEGER NOT NULL               -- clock ms when it arrived
  ) WITHOUT ROWID;
  CREATE INDEX command_nonces_expires ON command_nonces (expires);
  `,
  /* 7 (issue #10: time without a clock) */ `
  -- A reading taken before the station's time was known (gateway/time/) keeps the monotonic
  -- time and the boot it was taken in, so its timestamp can be put right exactly when the
  -- time becomes known, and the flag QC gave it apart from the time (restored then).
  ALTER TABLE raw_obs ADD COLUMN mono REAL;      -- monotonic clock ms of the boot; NULL: time was known
  ALTER TABLE raw_obs ADD COLUMN boot TEXT;      -- boot id (/proc/sys/kernel/random/boot_id)
  ALTER TABLE raw_obs ADD COLUMN qc_flag TEXT;   -- not NULL: time still uncertain; QC's flag without the time
  CREATE INDEX raw_obs_time_uncertain ON raw_obs (boot) WHERE qc_flag IS NOT NULL;
  `,
  /* 8 (issue #10: SD card writes) */ `
  -- Raw readings whose time is known, packed: one row per sensor, minute and commit
  -- (gateway/store/raw-block.ts). A row per reading, with its (sensor, ts) index, made every
  -- commit rewrite one index page per sensor: ~650 MB a day of SD writes at 19 readings/s.
  -- Rows go in time order, so a commit touches the table's and the index's last pages only.
  -- raw_obs keeps the readings whose time is not known yet (and those of older versions).
  CREATE TABLE raw_blocks (
    id     INTEGER PRIMARY KEY,
    t0     INTEGER NOT NULL,               -- first reading, UTC ms
    t1     INTEGER NOT NULL,               -- last reading, same minute as t0
    sensor TEXT    NOT NULL,
    n      INTEGER NOT NULL,               -- readings in the block
    data   BLOB    NOT NULL                -- deflated columnar JSON
  );
  CREATE INDEX raw_blocks_t0 ON raw_blocks (t0);
  `,
  /* 9 (issue #10: SD card writes) */ `
  -- Minute records in the order they are made (time), not by (sensor, ts): each minute's
  -- commit then appends to the last pages instead of rewriting one leaf per sensor (and, in
  -- 1 kB pages, its overflow page: a WITHOUT ROWID row holds at most ~230 bytes in place).
  CREATE TABLE minute_records_by_time (
    ts     INTEGER NOT NULL,               -- start of the minute, UTC ms
    sensor TEXT    NOT NULL,
    record TEXT    NOT NULL,               -- MinuteRecord as JSON (core/wire.ts)
    seq    INTEGER                         -- the batch that carried it (migration 2)
  );
  INSERT INTO minute_records_by_time (ts, sensor, record, seq) SELECT ts, sensor, record, seq FROM minute_records ORDER BY ts, sensor;
  DROP TABLE minute_records;
  ALTER TABLE minute_records_by_time RENAME TO minute_records;
  CREATE UNIQUE INDEX minute_records_ts_sensor ON minute_records (ts, sensor);
  CREATE INDEX minute_records_seq ON minute_records (seq);
  `,
];
