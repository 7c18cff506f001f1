-- External search engines (issue #20): Meilisearch and Qdrant, opt-in per app by the operator. A row here means "tell
-- the app's engines about this message as it is now": added, changed or gone. The queue is append-only: a change that
-- happens while a drain is sending an earlier row of the same message adds a row of its own, so it is never lost.
-- SearchSync drains it in batches (after each indexing job, and every 30 s from maintenance) and deletes the rows it
-- read once every engine took the batch, so a crash or an engine outage loses nothing. Holds ids only.
create table search_sync (
    seq        bigint      generated always as identity primary key,
    app_id     uuid        not null,
    message_id text        not null,
    queued_at  timestamptz not null default now()
);
create index search_sync_app on search_sync (app_id, seq);

-- Whether an app has an external engine switched on (its settings are JSON text).
create function search_sync_on(app uuid) returns boolean language sql stable as $$
    select coalesce((a.settings::jsonb -> 'search_engines' ->> 'meilisearch')::boolean, false)
        or coalesce((a.settings::jsonb -> 'search_engines' ->> 'qdrant')::boolean, false)
    from app a where a.id = app
$$;

-- Whatever removes a message's search document (deletion, erasure, retention purge, a deleted channel,
-- crypto-shredding, a rebuild) queues it for apps that have an engine switched on, in the same transaction.
create function search_sync_forgotten() returns trigger language plpgsql as $$
begin
    insert into search_sync (app_id, message_id)
        select g.app_id, g.message_id from gone g where search_sync_on(g.app_id);
    return null;
end $$;
create trigger search_sync_forgotten after delete on message_search_doc referencing old table as gone
    for each statement execute function search_sync_forgotten();

-- A message shadowed after it was sent (a moderator's review), or anonymised by an erasure (its author changes), is
-- sent again as it is now: a shadowed one leaves the engines, only its author may see it.
create function search_sync_changed() returns trigger language plpgsql as $$
begin
    if search_sync_on(new.app_id) then
        insert into search_sync (app_id, message_id) values (new.app_id, new.id);
    end if;
    return new;
end $$;
create trigger search_sync_changed after update of shadowed, user_id on message
    for each row when (new.shadowed is distinct from old.shadowed or new.user_id is distinct from old.user_id)
    execute function search_sync_changed();

-- A truncated channel keeps its message rows (readers skip seqs up to truncated_seq): its truncated messages leave the
-- engines.
create function search_sync_truncated() returns trigger language plpgsql as $$
begin
    if search_sync_on(new.app_id) then
        insert into search_sync (app_id, message_id)
            select m.app_id, m.id from message m where m.channel_pk = new.pk and m.seq > old.truncated_seq and m.seq <= new.truncated_seq;
    end if;
    return new;
end $$;
create trigger search_sync_truncated after update of truncated_seq on channel
    for each row when (new.truncated_seq > old.truncated_seq) execute function search_sync_truncated();
