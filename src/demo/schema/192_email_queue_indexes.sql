-- get_email_log lists e-mails newest first with a stable tie-break (created_at desc nulls last, id);
-- production's idx_email_logs_created_at (created_at desc, i.e. nulls first) cannot give that order,
-- so a broad recipient filter sorted every matching row. See docs/indexes.md.
create index if not exists idx_email_logs_created_desc_id on email_logs (created_at desc nulls last, id);

-- get_notification_status counts an event's transactional messages (no campaign) by the eid the
-- platform writes into their metadata; without this it scanned the whole queue.
create index if not exists idx_message_queue_event_eid
  on message_queue ((metadata->>'event_eid')) where campaign_id is null;
