package io.chatsdk.engine.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The hash that seals an {@link AuditRecord} and links it to the record before it. Stateless and thread-safe.
 *
 * <p>The hash is SHA-256 over these bytes, in this order (docs/compliance.md quotes this list; anyone may
 * re-implement it to check an export without ChatSDK):
 * <ol>
 *   <li>the domain tag {@code chatsdk-audit-v1} followed by one zero byte (17 bytes, ASCII);</li>
 *   <li>the 32 raw bytes of {@code prev_hash} (32 zero bytes for seq 1, see {@link #genesis()});</li>
 *   <li>then fields, each encoded as a 4-byte big-endian signed length followed by that many UTF-8 bytes, and a
 *       {@code null} as length {@code -1} ({@code FF FF FF FF}) with no bytes:
 *       {@code chain}, {@code seq} (decimal, e.g. {@code "42"}), {@code at} (ISO-8601 in UTC as Java's
 *       {@code Instant.toString()} writes it for a value truncated to microseconds, e.g.
 *       {@code "2025-01-02T03:04:05.123456Z"}, {@code "2025-01-02T03:04:05.120Z"}, {@code "2025-01-02T03:04:05Z"}),
 *       {@code actor_type}, {@code actor_id}, {@code actor_role}, {@code action}, {@code resource_type},
 *       {@code resource_id}, {@code ip}, {@code user_agent}, {@code outcome}, {@code reason};</li>
 *   <li>then the details: their count as a field (decimal), then for each entry, sorted by the key's UTF-8 bytes
 *       compared unsigned, the key as a field and the value as a field.</li>
 * </ol>
 * The {@code at} text is exactly the string the export carries in its {@code "at"} member.
 */
public final class AuditHash {
    /** The domain tag that starts the hashed bytes, zero byte included. */
    public static final String DOMAIN_TAG = "chatsdk-audit-v1\0";
    /** The length in bytes of every audit hash. */
    public static final int LENGTH = 32;
    private static final byte[] GENESIS = new byte[LENGTH];

    private AuditHash() {
    }

    /** The {@code prev_hash} of the first record of every chain: 32 zero bytes (a fresh array each call). */
    public static byte[] genesis() {
        return GENESIS.clone();
    }

    /**
     * The hash of {@code record}'s content linked to {@code prevHash}; the record's own hashes, if any, are ignored.
     */
    public static byte[] compute(AuditRecord record, byte[] prevHash) {
        Objects.requireNonNull(record, "record");
        if (Objects.requireNonNull(prevHash, "prevHash").length != LENGTH) {
            throw new IllegalArgumentException("prevHash must be " + LENGTH + " bytes, not " + prevHash.length);
        }
        Fields f = new Fields(DOMAIN_TAG).raw(prevHash)
                .add(record.chain()).add(record.seq()).add(record.at().toString())
                .add(record.actorType()).add(record.actorId()).add(record.actorRole())
                .add(record.action()).add(record.resourceType()).add(record.resourceId())
                .add(record.ip()).add(record.userAgent()).add(record.outcome()).add(record.reason());
        Map<String, String> details = record.details(); // sorted by UTF-8 bytes already, see AuditRecord
        f.add(details.size());
        details.forEach((k, v) -> f.add(k).add(v));
        return sha256(f.toByteArray());
    }

    /** Whether a sealed record's hash is the one its content and {@code prev_hash} give. */
    public static boolean matches(AuditRecord record) {
        if (!record.sealed()) {
            throw new IllegalArgumentException("audit record " + record.chain() + "#" + record.seq() + " is not sealed");
        }
        return MessageDigest.isEqual(compute(record, record.prevHash()), record.hash());
    }

    /** Whether {@code hash} is the genesis {@code prev_hash}. */
    public static boolean isGenesis(byte[] hash) {
        return Arrays.equals(hash, GENESIS);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
