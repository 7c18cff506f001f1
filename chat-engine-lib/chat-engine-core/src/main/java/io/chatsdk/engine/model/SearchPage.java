package io.chatsdk.engine.model;

import java.util.List;

/**
 * One page of search results.
 *
 * @param results the messages, in the query's order
 * @param next    the cursor of the following page, or null on the last page
 */
public record SearchPage(List<Message> results, String next) {
    public SearchPage {
        results = List.copyOf(results);
    }
}
