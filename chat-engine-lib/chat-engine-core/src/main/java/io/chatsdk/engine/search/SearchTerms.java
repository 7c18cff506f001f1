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
 *   <li>{@code p:<prefix>} for each prefix of {@value #MIN_PREFIX} to {@value #MAX_PREFIX} code points of each word
 *       (the word itself included when it is that short), for {@code $autocomplete};</li>
 *   <li>{@code a:<type>} for each attachment type.</li>
 * </ul>
 * A term is stored as the first 8 bytes of HMAC-SHA256 under the app's search key, as a signed 64-bit number.
 * Stateless and thread-safe.
 */
public final class SearchTerms {
    /** The shortest prefix indexed; an {@code $autocomplete} word of one code point matches whole words only. */
    public static final int MIN_PREFIX = 2;
    /** The longest prefix indexed; longer {@code $autocomplete} words are looked up by this prefix and then checked. */
    public static final int MAX_PREFIX = 16;

    private SearchTerms() {
    }

    /** The terms (before hashing) a message with this text and these attachments is indexed under, without repeats. */
    public static Set<String> of(String text, List<Map<String, Object>> attachments) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : FoldedText.words(text == null ? "" : text)) {
            terms.add(word(word));
            int length = word.codePointCount(0, word.length());
            for (int n = MIN_PREFIX; n <= Math.min(length, MAX_PREFIX); n++) {
                terms.add("p:" + word.substring(0, word.offsetByCodePoints(0, n)));
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

    /** The term an {@code $autocomplete} word is looked up by: its prefix of at most {@value #MAX_PREFIX} code points. */
    public static String prefix(String folded) {
        int length = folded.codePointCount(0, folded.length());
        if (length < MIN_PREFIX) {
            return word(folded);
        }
        return "p:" + folded.substring(0, folded.offsetByCodePoints(0, Math.min(length, MAX_PREFIX)));
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
