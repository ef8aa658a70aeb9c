-- Which synthetic data set this demo database holds, so a later start knows it is seeded
-- and anyone can reproduce it (same seed, scale and anchor give identical rows).
create table arthur_demo_seeds (
  id bigint generated always as identity primary key,
  seed integer not null,
  scale numeric not null,
  anchor timestamptz not null,
  total_rows bigint not null,
  duration_ms integer not null,
  seeded_at timestamptz not null default now()
);
