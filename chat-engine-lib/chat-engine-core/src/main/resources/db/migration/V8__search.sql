-- Message search (issue #20): a blind index that keeps the at-rest promise. No word is stored: each term is the first
-- 8 bytes of HMAC-SHA256 of a folded word (or word prefix, or attachment type) under a key derived from the app's data
-- key, so the index can only be queried by someone who holds that key, and crypto-shredding the app makes it useless.
-- Indexing is a durable job per message; docs/search.md states what the index reveals to someone holding the disk.

-- One row per indexed message: which data key version its terms were made with (a retired key is kept while any
-- document uses it) and when. A message without a row is not indexed yet. No foreign key to message: its check would
-- lock the message row (FOR KEY SHARE) while a job indexes it, and purges and re-encryption, which lock rows FOR
-- UPDATE SKIP LOCKED, would skip it. Deleted messages leave through the triggers below instead; a document whose
-- message went away while a job was indexing it is swept by the next backfill (SearchIndex.sweep).
create table message_search_doc (
    app_id      uuid        not null,
    message_id  text        not null,
    key_version integer     not null,
    indexed_at  timestamptz not null,
    primary key (app_id, message_id)
);
create index message_search_doc_version on message_search_doc (app_id, key_version);

-- The terms. created_at is the message's (already stored in clear on the message row), so that one term's postings
-- are read newest first from the primary key and a search can stop after a page.
create table message_search_term (
    app_id      uuid        not null,
    term        bigint      not null,
    created_at  timestamptz not null,
    message_id  text        not null,
    primary key (app_id, term, created_at, message_id),
    foreign key (app_id, message_id) references message_search_doc (app_id, message_id) on delete cascade
);
create index message_search_term_message on message_search_term (app_id, message_id);

-- A deleted message (by its author, a moderator, a hold-respecting erasure) leaves the index in its own transaction,
-- whichever code path deleted it.
create function message_search_forget() returns trigger language plpgsql as $$
begin
    delete from message_search_doc where app_id = new.app_id and message_id = new.id;
    return new;
end $$;
create trigger message_search_forget after update of deleted_at, content on message
    for each row when (new.deleted_at is not null and old.deleted_at is null or (new.content is null and old.content is not null))
    execute function message_search_forget();

-- Purged messages (retention, deferred erasures) and deleted channels' messages: once per statement, whatever its size.
create function message_search_forget_deleted() returns trigger language plpgsql as $$
begin
    delete from message_search_doc d using gone g where d.app_id = g.app_id and d.message_id = g.id;
    return null;
end $$;
create trigger message_search_forget_deleted after delete on message referencing old table as gone
    for each statement execute function message_search_forget_deleted();
