-- 0015_arthur_approval_cancel.sql: a requester may cancel a pending write instead of letting it
-- expire. A cancelled approval can never be confirmed or used, and says so (not "expired").

ALTER TABLE arthur_approvals ADD COLUMN IF NOT EXISTS cancelled_at timestamptz;
