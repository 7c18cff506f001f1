-- A search document carries its message's terms (issue #15). Indexing one message wrote about 30 term rows, and each
-- row cost four things in PostgreSQL: the row, its primary-key entry, an entry in message_search_term_message (which
-- only removals and the search's check of the other words read) and the foreign key's look-up of the document. On one
-- hot channel that indexing took about half of the CPU of a send (docs/performance.md, "What each piece of background
-- work costs it"). Now:
--   * the document holds the terms as an array (and the message's created_at), so a search checks a candidate's other
--     words with one look-up of its document instead of one per term;
--   * removing a document removes exactly its term rows, by their primary key, in a trigger: neither the foreign key
--     nor the index by message is needed, and both are dropped.
-- The term rows stay: their primary key reads one term's postings newest first, which keeps a search of a common word
-- bounded. docs/search.md ("How the index works").
alter table message_search_doc add column created_at timestamptz;
alter table message_search_doc add column terms bigint[];

-- Documents written before this migration get their terms from their rows (through the index about to be dropped).
update message_search_doc d set terms = coalesce(t.terms, '{}'), created_at = coalesce(t.created_at, d.indexed_at)
from (select d2.app_id, d2.message_id, array_agg(st.term) filter (where st.term is not null) as terms, min(st.created_at) as created_at
      from message_search_doc d2 left join message_search_term st on st.app_id = d2.app_id and st.message_id = d2.message_id
      group by d2.app_id, d2.message_id) t
where t.app_id = d.app_id and t.message_id = d.message_id;

-- A removed document takes its terms with it, whatever removed it (a re-index, a deletion's trigger, a purge, a sweep,
-- a rebuild, crypto-shredding). One statement per document, by the full primary key, so its plan does not depend on
-- how many documents one statement removes. A document without terms is one that a node of an earlier release indexed
-- during a rolling upgrade (it writes no array): its terms are found by the app and message instead, which reads the
-- app's postings and is slow on a large index; the backfill of the new release indexes such documents again
-- (SearchIndex.backfill), so they last only until its next pass.
create function message_search_doc_terms_gone() returns trigger language plpgsql as $$
begin
    if old.terms is not null then
        delete from message_search_term
            where app_id = old.app_id and term = any(old.terms) and created_at = old.created_at and message_id = old.message_id;
    else
        delete from message_search_term where app_id = old.app_id and message_id = old.message_id;
    end if;
    return null;
end $$;
create trigger message_search_doc_terms_gone after delete on message_search_doc
    for each row execute function message_search_doc_terms_gone();

alter table message_search_term drop constraint message_search_term_app_id_message_id_fkey;
drop index message_search_term_message;
