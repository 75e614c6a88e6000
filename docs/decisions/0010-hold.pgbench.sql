-- One hold of ADR 0010, as the app runs it for a ticket type with one quota, for pgbench:
--   pgbench -n -M extended -f docs/decisions/0010-hold.pgbench.sql \
--     -D quota=<quota id> -D performance=<performance id> -D type=<ticket type id> -c 16 -j 2 -T 10 <db>
-- The app binds the hold id, times and price as parameters; here the database makes them.
-- A refusal (no room) takes nothing and records nothing, so a sold-out quota still runs this script.
begin;
with t (quota_id, n) as (values (:quota::uuid, 1::int)),
taken as (
  update quotas q set held = q.held + t.n from t
  where q.id = t.quota_id and q.capacity - q.sold - q.held >= t.n
  returning q.id
),
h as (
  insert into holds (id, performance_id, status, created_at, expires_at)
  select gen_random_uuid(), :performance::uuid, 'active', now(), now() + interval '10 minutes'
  where (select count(*) from taken) = 1
  returning id
),
i as (
  insert into hold_items (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
  select h.id, v.* from h cross join (values (:type::uuid, 1::int, 2500::int, 'EUR'::text, 0::int, true::boolean)) as v (ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive)
),
hq as (
  insert into hold_quotas (hold_id, quota_id, quantity) select h.id, t.quota_id, t.n from h cross join t
)
select id from taken;
commit;
