package io.chatsdk.engine.ai;

import io.chatsdk.engine.blocklist.FoldedText;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.types.Cid;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A catch-up summary, extractive: what a returning user missed in a channel, as counts (messages, who wrote them, how
 * many mention the user) and the few messages that best stand for the rest. Those are chosen by LexRank: each message
 * is a TF-IDF vector of its folded words, messages vote for the messages they resemble, and the highest-ranked ones are
 * taken, skipping any too like one already taken, then shown in the order they were sent. The newest two messages that
 * mention the user are always among them, and questions rank higher. No model is involved and nothing leaves the process.
 */
public final class CatchUp {
    /** The most highlights a summary holds. */
    public static final int HIGHLIGHTS = 5;
    /** Highlights are cut to this many characters. */
    static final int HIGHLIGHT_CHARS = 200;
    /** Messages that mention the user are always highlights, the newest this many. */
    static final int MENTIONS = 2;
    private static final double DAMPING = 0.85;
    private static final double LINK = 0.1;
    private static final double REDUNDANT = 0.5;
    private static final int ITERATIONS = 30;

    /** Who wrote how many of the messages. */
    public record Participant(String userId, int messages) {
    }

    /** A message that stands for others; {@code text} is cut to {@value #HIGHLIGHT_CHARS} characters. */
    public record Highlight(String messageId, String userId, String text, Instant createdAt, boolean mentionsYou) {
    }

    /**
     * The summary: {@code unread} messages from others since {@code lastReadSeq} that the user may see, by whom, how many
     * mention the user, the first of them, and the highlights (chosen from the newest {@value Ai#CATCH_UP_WINDOW}),
     * oldest first.
     */
    public record Summary(Cid cid, long lastReadSeq, int unread, List<Participant> participants, int mentionsOfYou,
                          String firstUnreadMessageId, List<Highlight> highlights) {
    }

    private CatchUp() {
    }

    /**
     * {@code participants}, {@code mentions} and {@code first} count everything unread; {@code window} holds the newest
     * unread messages from others (at most {@value Ai#CATCH_UP_WINDOW}), oldest first, which the highlights are chosen from.
     */
    static Summary summarise(Cid cid, String user, long lastReadSeq, List<Participant> participants, int mentions, String first, List<Message> window) {
        List<Participant> sorted = participants.stream()
                .sorted(Comparator.comparingInt(Participant::messages).reversed().thenComparing(Participant::userId)).toList();
        int unread = participants.stream().mapToInt(Participant::messages).sum();
        return new Summary(cid, lastReadSeq, unread, sorted, mentions, first, highlights(window, user));
    }

    private static List<Highlight> highlights(List<Message> messages, String user) {
        int n = messages.size();
        List<Map<String, Double>> vectors = new ArrayList<>(n);
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (Message m : messages) {
            Map<String, Double> tf = new HashMap<>();
            for (String w : FoldedText.words(m.text() == null ? "" : m.text())) {
                tf.merge(w, 1.0, Double::sum);
            }
            tf.keySet().forEach(w -> documentFrequency.merge(w, 1, Integer::sum));
            vectors.add(tf);
        }
        for (Map<String, Double> v : vectors) {
            double norm = 0;
            for (Map.Entry<String, Double> e : v.entrySet()) {
                double w = e.getValue() * Math.log(1.0 + (double) n / documentFrequency.get(e.getKey()));
                e.setValue(w);
                norm += w * w;
            }
            double len = Math.sqrt(norm);
            v.replaceAll((k, w) -> len == 0 ? 0 : w / len);
        }
        // LexRank: a message's rank is fed by the messages it resembles (cosine above LINK)
        int[] degree = new int[n];
        List<List<Integer>> adjacency = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            adjacency.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (cosine(vectors.get(i), vectors.get(j)) > LINK) {
                    adjacency.get(i).add(j);
                    adjacency.get(j).add(i);
                }
            }
            degree[i] = adjacency.get(i).size();
        }
        double[] rank = new double[n];
        java.util.Arrays.fill(rank, 1.0 / Math.max(1, n));
        for (int it = 0; it < ITERATIONS; it++) {
            double[] nextRank = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j : adjacency.get(i)) {
                    sum += rank[j] / degree[j];
                }
                nextRank[i] = (1 - DAMPING) / n + DAMPING * sum;
            }
            rank = nextRank;
        }
        Integer[] order = new Integer[n];
        List<Integer> chosen = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.mentionedUsers().contains(user) && chosen.size() < MENTIONS && m.text() != null && !m.text().isBlank()) {
                chosen.add(i);   // asked directly: always shown (the newest two)
            }
            if (m.text() != null && m.text().strip().endsWith("?")) {
                rank[i] *= 1.3;
            }
            order[i] = i;
        }
        double[] finalRank = rank;
        java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -finalRank[i]).thenComparing(i -> -i));
        for (int i : order) {
            if (chosen.size() == HIGHLIGHTS) {
                break;
            }
            Message m = messages.get(i);
            if (m.text() == null || m.text().isBlank()) {
                continue;
            }
            if (!chosen.contains(i) && chosen.stream().noneMatch(c -> cosine(vectors.get(c), vectors.get(i)) > REDUNDANT)) {
                chosen.add(i);
            }
        }
        chosen.sort(Comparator.naturalOrder());
        List<Highlight> out = new ArrayList<>();
        for (int i : chosen) {
            Message m = messages.get(i);
            String text = m.text().strip();
            if (text.codePointCount(0, text.length()) > HIGHLIGHT_CHARS) {
                text = text.substring(0, text.offsetByCodePoints(0, HIGHLIGHT_CHARS - 1)) + "…";
            }
            out.add(new Highlight(m.id(), m.userId(), text, m.createdAt(), m.mentionedUsers().contains(user)));
        }
        return out;
    }

    private static double cosine(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> small = a.size() <= b.size() ? a : b;
        Map<String, Double> large = small == a ? b : a;
        double dot = 0;
        for (Map.Entry<String, Double> e : small.entrySet()) {
            Double w = large.get(e.getKey());
            if (w != null) {
                dot += e.getValue() * w;
            }
        }
        return dot;
    }
}
