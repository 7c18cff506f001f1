-- External search engines (issue #20): Meilisearch and Qdrant, opt-in per app by the operator. A row here means "tell
-- the app's engines about this message as it is now": added, changed or gone. SearchSync drains it in batches (after
-- each indexing job, and every 30 s from maintenance) and deletes a row once every engine took it, so a crash or an
-- engine outage loses nothing: the row stays until it is done. Holds ids only.
create table search_sync (
    app_id     uuid        not null,
    message_id text        not null,
    queued_at  timestamptz not null default now(),
    primary key (app_id, message_id)
);

-- Whatever removes a message's search document (deletion, erasure, retention purge, truncation, a deleted channel,
-- crypto-shredding, a rebuild) queues it for apps that have an engine switched on, in the same transaction.
create function search_sync_forgotten() returns trigger language plpgsql as $$
begin
    insert into search_sync (app_id, message_id)
        select g.app_id, g.message_id from gone g join app a on a.id = g.app_id
        where coalesce((a.settings::jsonb -> 'search_engines' ->> 'meilisearch')::boolean, false)
           or coalesce((a.settings::jsonb -> 'search_engines' ->> 'qdrant')::boolean, false)
    on conflict do nothing;
    return null;
end $$;
create trigger search_sync_forgotten after delete on message_search_doc referencing old table as gone
    for each statement execute function search_sync_forgotten();

-- A message shadowed after it was sent (a moderator's review) leaves the engines too: only its author may see it.
create function search_sync_shadowed() returns trigger language plpgsql as $$
begin
    insert into search_sync (app_id, message_id)
        select new.app_id, new.id from app a where a.id = new.app_id
           and (coalesce((a.settings::jsonb -> 'search_engines' ->> 'meilisearch')::boolean, false)
             or coalesce((a.settings::jsonb -> 'search_engines' ->> 'qdrant')::boolean, false))
    on conflict do nothing;
    return new;
end $$;
create trigger search_sync_shadowed after update of shadowed on message
    for each row when (new.shadowed is distinct from old.shadowed) execute function search_sync_shadowed();
