-- The outbox relay deletes each event's row when it publishes it, instead of setting published_at (issue #15): a marked
-- row left a dead version behind, and a table holding an hour of published rows was too large for autovacuum's default
-- scale factor to visit under load, so the relay's scan and every insert paid for the dead versions
-- (docs/performance.md, "outbox_event's dead rows"). The table now holds only pending events, which the primary key
-- serves in id order; the partial index of unpublished rows was one more index to write and clean per event.
--
-- Rows already marked published stay until the relay reaches them: it deletes marked rows unopened, so a rolling
-- upgrade, whose nodes of the previous version keep marking rows until they are replaced, leaves nothing for it to step
-- over. Dropping the index waits only for transactions already using the table, which are short.
drop index if exists outbox_unpublished_idx;
