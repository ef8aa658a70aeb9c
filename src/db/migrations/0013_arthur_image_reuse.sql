-- 0013_arthur_image_reuse.sql: identical charts are drawn once.
--
-- content_key is a hash of everything an image shows (for a chart: title, subtitle, series, today
-- marker). Asking for the same chart again the same day finds the stored image instead of rendering
-- (about 100 ms) and storing (about 80 KB) it again.

ALTER TABLE arthur_images ADD COLUMN IF NOT EXISTS content_key text;

CREATE INDEX IF NOT EXISTS idx_arthur_images_content
  ON arthur_images (kind, content_key, created_at DESC)
  WHERE content_key IS NOT NULL;
