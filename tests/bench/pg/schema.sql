-- The classic event store in PostgreSQL, as several event-sourcing libraries
-- build it: one table, a global position, and optimistic concurrency through
-- a unique (stream, version) constraint and an expected-version check.
CREATE TABLE events (
  global_position bigserial PRIMARY KEY,
  stream          text        NOT NULL,
  version         integer     NOT NULL,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream, version)
);

-- Appends one event to `p_stream` if the stream is at `p_expected` (0: new),
-- and returns the new version; otherwise fails with serialization_failure.
CREATE FUNCTION append_event(p_stream text, p_expected integer, p_type text, p_data jsonb)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  current integer;
BEGIN
  SELECT coalesce(max(version), 0) INTO current FROM events WHERE stream = p_stream;
  IF current <> p_expected THEN
    RAISE EXCEPTION 'stream % is at version %, not %', p_stream, current, p_expected
      USING ERRCODE = 'serialization_failure';
  END IF;
  INSERT INTO events (stream, version, type, data) VALUES (p_stream, current + 1, p_type, p_data);
  RETURN current + 1;
END $$;
