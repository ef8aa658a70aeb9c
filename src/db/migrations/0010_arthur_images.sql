-- 0010_arthur_images.sql: rendered images (charts) kept by reference.
--
-- Tools never put image bytes into a result: the bytes are stored here and the result carries an
-- id and a signed, time-limited URL the gateway serves (GET /images/<id>.png). MCP clients also get
-- the image as MCP image content, and Slack gets a file upload, both from these bytes.
-- The daily retention job deletes images older than RETENTION_DAYS.

CREATE TABLE IF NOT EXISTS arthur_images (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  kind       text        NOT NULL,
  eid        text,
  media_type text        NOT NULL DEFAULT 'image/png' CHECK (media_type IN ('image/png')),
  width      int         NOT NULL CHECK (width > 0),
  height     int         NOT NULL CHECK (height > 0),
  bytes      int         NOT NULL CHECK (bytes > 0),
  sha256     text        NOT NULL,
  data       bytea       NOT NULL,
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_arthur_images_created ON arthur_images (created_at);
CREATE INDEX IF NOT EXISTS idx_arthur_images_eid ON arthur_images (eid, created_at DESC) WHERE eid IS NOT NULL;

-- Keys for signed links, shared by every replica (generated on first use, never logged).
CREATE TABLE IF NOT EXISTS arthur_signing_keys (
  name       text        PRIMARY KEY,
  secret     bytea       NOT NULL CHECK (length(secret) >= 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
