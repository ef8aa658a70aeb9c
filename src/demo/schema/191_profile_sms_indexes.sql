-- Indexes for find_duplicate_profiles and get_sms_conversation (docs/indexes.md gives each one as a
-- CONCURRENTLY statement for production, with the query it serves).
-- "if not exists": the same index may already have been built by hand from docs/indexes.md.

-- find_duplicate_profiles compares phones by their digits only, and a phone search also matches numbers
-- that end in the typed digits. Indexing the digits reversed turns "ends with" into a prefix range a
-- btree can scan (text_pattern_ops: byte order, whatever the database's collation), and serves the
-- exact same-digits lookups for possible duplicates too. The expressions must stay identical to
-- reversedDigitsOf() in src/packs/profile-integrity/duplicate-profiles.ts, or the planner will not use them.
create index if not exists idx_artist_profiles_phone_digits_rev
  on artist_profiles (reverse(regexp_replace(phone, '\D', '', 'g')) text_pattern_ops);
create index if not exists idx_people_phone_digits_rev
  on people (reverse(regexp_replace(phone::text, '\D', '', 'g')) text_pattern_ops);

-- get_sms_conversation looks a number up by exact spellings in every place it may be stored. people
-- has btree indexes on phone and phone_number but none on auth_phone, so the three-way OR fell back to
-- a sequential scan of people.
create index if not exists idx_people_auth_phone on people (auth_phone);

-- ... and message_queue had no index on destination at all. Only SMS rows are ever looked up by number
-- (e-mail rows hold an address), so the index leaves the e-mail rows out.
create index if not exists idx_message_queue_sms_destination on message_queue (destination) where channel = 'sms';
