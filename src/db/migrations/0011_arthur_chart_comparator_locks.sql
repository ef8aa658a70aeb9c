-- 0011_arthur_chart_comparator_locks.sql: comparators a person chose for an event's charts.
--
-- The original stored chosen comparators only on a live schedule, so choosing them for an event
-- without one said "saved" and stored nothing (original-system.md §1.3). Here the choice belongs
-- to the event: generate_chart and new schedules use it, and set_chart_comparators also copies it
-- onto the event's live schedules. Deleting the row returns the event to automatic scoring.

CREATE TABLE IF NOT EXISTS arthur_chart_comparator_locks (
  eid             text        PRIMARY KEY,
  comparator_eids text[]      NOT NULL CHECK (cardinality(comparator_eids) BETWEEN 1 AND 5),
  set_by          text        NOT NULL,
  set_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT (eid = ANY (comparator_eids)))
);
