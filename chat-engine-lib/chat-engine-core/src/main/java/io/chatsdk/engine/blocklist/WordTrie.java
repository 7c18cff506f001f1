package io.chatsdk.engine.blocklist;

import java.util.HashMap;
import java.util.Map;

/**
 * Blocklist entries as a trie keyed by token, so that finding every entry that starts at one token of a
 * text costs one hash lookup per token of the longest entry along that path, whatever the number of
 * entries. Each entry end holds the best (lowest) precedence rank of the lists that contain the entry.
 * Built once by {@link BlocklistMatcher} and then only read, which makes it safe to share between threads.
 */
final class WordTrie {
    /** Rank of "no match": worse than any list's rank. */
    static final int NONE = Integer.MAX_VALUE;

    private final Node root = new Node();
    private boolean empty = true;

    /** Adds an entry, as its sequence of tokens, for the list of precedence rank {@code rank}. */
    void add(String[] path, int rank) {
        Node node = root;
        for (String key : path) {
            if (node.children == null) {
                node.children = new HashMap<>();
            }
            node = node.children.computeIfAbsent(key, k -> new Node());
        }
        node.rank = Math.min(node.rank, rank);
        empty = false;
    }

    boolean isEmpty() {
        return empty;
    }

    /**
     * The best rank among entries that equal the tokens {@code start, start + 1, ...}, looking no further
     * than {@code end} (exclusive), or {@code best} if that is better.
     */
    int walk(FoldedText.Tokens tokens, int start, int end, int best) {
        Node node = root;
        for (int i = start; i < end && node.children != null; i++) {
            node = node.children.get(tokens.word(i));
            if (node == null) {
                break;
            }
            best = Math.min(best, node.rank);
        }
        return best;
    }

    private static final class Node {
        Map<String, Node> children;
        int rank = NONE;
    }
}
