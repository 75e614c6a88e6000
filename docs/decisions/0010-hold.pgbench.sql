-- One hold of ADR 0010, exactly as the app sends it for one ticket type (one quota), for pgbench:
--   pgbench -n -M prepared -f docs/decisions/0010-hold.pgbench.sql \
--     -D quota=<quota id> -D performance=<performance id> -D type=<ticket type id> -c 16 -j 2 -T 10 <db>
-- One statement in autocommit: no BEGIN/COMMIT (the app opens no transaction around it either).
-- The app binds the hold id, times, quantity and price as parameters; here the database makes them.
-- A refusal (no room) takes and records nothing, so a sold-out quota still runs this script.
with t (quota_id, n) as (values (:quota::uuid, 1::int)),
locked as (
  select q.id, q.capacity - q.sold - q.held >= t.n as room
  from quotas q join t on t.quota_id = q.id
  order by q.id
  for update of q
),
go as (select count(*) filter (where room) = 1 as ok from locked),
taken as (
  update quotas q set held = q.held + t.n from t, go
  where go.ok and q.id = t.quota_id
  returning q.id
),
h as (
  insert into holds (id, performance_id, status, created_at, expires_at)
  select gen_random_uuid(), :performance::uuid, 'active', now(), now() + interval '10 minutes'
  from go where go.ok
  returning id
),
i as (
  insert into hold_items (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
  select h.id, v.* from h cross join (values (:type::uuid, 1::int, 2500::int, 'EUR'::text, 0::int, true::boolean)) as v (ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
),
hq as (
  insert into hold_quotas (hold_id, quota_id, quantity) select h.id, t.quota_id, t.n from h cross join t
)
select id as quota_id, room from locked;
