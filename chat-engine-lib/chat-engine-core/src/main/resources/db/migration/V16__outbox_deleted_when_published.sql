-- The outbox relay deletes each event's row when it publishes it, instead of setting published_at (issue #15): a marked
-- row left a dead version behind, and a table holding an hour of published rows was too large for autovacuum's default
-- scale factor to visit under load, so the relay's scan and every insert paid for the dead versions
-- (docs/performance.md, "outbox_event's dead rows"). The table now holds only pending events, which the primary key
-- serves in id order; the partial index of unpublished rows was one more index to write and clean per event.
--
-- During a rolling upgrade, a node of the previous version may still mark rows published: the relay skips them
-- (it still asks for published_at is null) and the retention run deletes them an hour later (ChatEngine.pruneOutbox).
delete from outbox_event where published_at is not null;
drop index outbox_unpublished_idx;
