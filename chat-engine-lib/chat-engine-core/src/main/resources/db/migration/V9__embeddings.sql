-- Opt-in AI (issue #20): a message's embedding, kept on its search document so that whatever removes the document
-- (deletion, erasure, purge, a rebuild, crypto-shredding the app) removes the embedding with it. The vector is quantised
-- to one signed byte per dimension and sealed with the app's data key (the document's key_version), bound to the message
-- id: someone holding the disk learns that a message has an embedding, not what it is near. model names the model that
-- made it; vectors of another model are not compared. Null when the app's embeddings are off.
alter table message_search_doc add column embedding bytea;
alter table message_search_doc add column embedding_model text;
