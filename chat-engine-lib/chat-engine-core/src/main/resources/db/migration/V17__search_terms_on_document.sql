-- A search document carries its message's terms (issue #15). Indexing one message wrote about 30 term rows, and each
-- row cost four things in PostgreSQL: the row, its primary-key entry, an entry in message_search_term_message (read
-- only by removals and by the search's check of a candidate's other words) and the foreign key's look-up of the
-- document. On one hot channel that indexing took about half of the CPU of a send (docs/performance.md, "What each
-- piece of background work costs it"). Now:
--   * the document holds its terms as an array, and its message's created_at;
--   * removing a document removes exactly its term rows, by their primary key, in a trigger, so neither the foreign
--     key nor the index by message is needed, and both are dropped;
--   * a search checks a candidate's other words by the term row's whole primary key (MessageSearch.hasTerm).
-- The term rows stay: their primary key reads one term's postings newest first, which keeps a search of a common word
-- bounded. docs/search.md ("How the index works").
--
-- This migration rewrites every search document in one transaction (7 s for 200,000 indexed messages and 34 s for a
-- million on the 2-core test machine, SearchMigrationBench); deletions and indexing wait for it. docs/install.md
-- ("Upgrades") says what that means for a rolling upgrade of a large installation.

-- Both tables at once, before anything else: a transaction of a node of the earlier release that holds
-- one of them and waits for the other cannot deadlock with this migration. Its searches and indexing wait meanwhile.
lock table message_search_doc, message_search_term in access exclusive mode;

alter table message_search_doc add column created_at timestamptz, add column terms bigint[];

-- Documents written before this migration get their terms from their rows (through the index about to be dropped); a
-- document without any takes its message's time.
update message_search_doc d set terms = coalesce(t.terms, '{}'),
    created_at = coalesce(t.created_at, (select m.created_at from message m where m.app_id = d.app_id and m.id = d.message_id), d.indexed_at)
from (select d2.app_id, d2.message_id, array_agg(st.term) filter (where st.term is not null) as terms, min(st.created_at) as created_at
      from message_search_doc d2 left join message_search_term st on st.app_id = d2.app_id and st.message_id = d2.message_id
      group by d2.app_id, d2.message_id) t
where t.app_id = d.app_id and t.message_id = d.message_id;

-- Every document has its terms from now on. A node of an earlier release, during a rolling upgrade, writes documents
-- without them: that insert fails, and its indexing job is retried (by a node of this release once one takes it) or
-- dead-lettered. The backfill of this release indexes a new message in any case; an edit whose job was dead-lettered
-- keeps its earlier terms until the job is retried (docs/install.md, "Upgrades").
alter table message_search_doc alter column terms set not null, alter column created_at set not null;

-- A removed document takes its terms with it, whatever removed it (a re-index, a deletion's trigger, a purge, a sweep,
-- a rebuild, crypto-shredding). One statement per document, by the full primary key, so that its plan does not depend
-- on how many documents one statement removes.
create function message_search_doc_terms_gone() returns trigger language plpgsql as $$
begin
    delete from message_search_term
        where app_id = old.app_id and term = any(old.terms) and created_at = old.created_at and message_id = old.message_id;
    return null;
end $$;
create trigger message_search_doc_terms_gone after delete on message_search_doc
    for each row execute function message_search_doc_terms_gone();

alter table message_search_term drop constraint message_search_term_app_id_message_id_fkey;
drop index message_search_term_message;
