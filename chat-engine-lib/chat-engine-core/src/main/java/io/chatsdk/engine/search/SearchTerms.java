package io.chatsdk.engine.search;

import io.chatsdk.engine.blocklist.FoldedText;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the blind index stores for a message, and how a term becomes a number.
 *
 * <p>Words are folded and split exactly as the blocklists do ({@link FoldedText}: NFKC, case folding, accents and
 * invisible characters dropped; Chinese and Japanese characters are words of their own). A message is indexed under:
 * <ul>
 *   <li>{@code w:<word>} for each distinct word;</li>
 *   <li>{@code p:<prefix>} for the prefixes of each word that are {@link #PREFIX_LENGTHS 3, 5, 8, 12 or 16} code points
 *       long (the word itself included when it is that long), for {@code $autocomplete}: a query word is looked up by
 *       its longest indexed prefix and then checked in clear, so five lengths serve every prefix at a third of the
 *       index size of all of them;</li>
 *   <li>{@code a:<type>} for each attachment type.</li>
 * </ul>
 * A term is stored as the first 8 bytes of HMAC-SHA256 under the app's search key, as a signed 64-bit number.
 * Stateless and thread-safe.
 */
public final class SearchTerms {
    /**
     * The prefix lengths indexed, in code points. An {@code $autocomplete} word shorter than the first matches whole
     * words only; a longer one is looked up by its longest indexed prefix and checked in clear.
     */
    static final int[] PREFIX_LENGTHS = {3, 5, 8, 12, 16};
    /** The longest prefix indexed. */
    public static final int MAX_PREFIX = 16;

    private SearchTerms() {
    }

    /** The terms (before hashing) a message with this text and these attachments is indexed under, without repeats. */
    public static Set<String> of(String text, List<Map<String, Object>> attachments) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : FoldedText.words(text == null ? "" : text)) {
            terms.add(word(word));
            int length = word.codePointCount(0, word.length());
            for (int n : PREFIX_LENGTHS) {
                if (n <= length) {
                    terms.add("p:" + word.substring(0, word.offsetByCodePoints(0, n)));
                }
            }
        }
        for (Map<String, Object> a : attachments) {
            if (a.get("type") instanceof String type && !type.isEmpty()) {
                terms.add(attachmentType(type));
            }
        }
        return terms;
    }

    /** The term of a whole (folded) word. */
    public static String word(String folded) {
        return "w:" + folded;
    }

    /**
     * The term an {@code $autocomplete} word is looked up by: its longest indexed prefix, or the whole word when it is
     * shorter than every indexed prefix.
     */
    public static String prefix(String folded) {
        int length = folded.codePointCount(0, folded.length());
        int best = 0;
        for (int n : PREFIX_LENGTHS) {
            if (n <= length) {
                best = n;
            }
        }
        return best == 0 ? word(folded) : "p:" + folded.substring(0, folded.offsetByCodePoints(0, best));
    }

    /** Whether {@link #prefix} looks {@code folded} up as a whole word (it is shorter than every indexed prefix). */
    public static boolean tooShortForPrefix(String folded) {
        return folded.codePointCount(0, folded.length()) < PREFIX_LENGTHS[0];
    }

    /** The term of an attachment type ({@code image}, {@code file}, {@code audio}, or a custom one). */
    public static String attachmentType(String type) {
        return "a:" + type;
    }

    /** The stored form of a term under a search key. */
    public static long hash(byte[] key, String term) {
        return hashAll(key, List.of(term))[0];
    }

    /** The stored forms of terms under a search key, in their order. */
    public static long[] hashAll(byte[] key, java.util.Collection<String> terms) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            long[] out = new long[terms.size()];
            int i = 0;
            for (String t : terms) {
                out[i++] = ByteBuffer.wrap(mac.doFinal(t.getBytes(StandardCharsets.UTF_8))).getLong();
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }
}
