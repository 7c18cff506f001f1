package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of the tamper-evident audit log: who did what to which resource, from where, and with what outcome,
 * linked to the entry before it in its chain by {@link #prevHash()} and sealed by {@link #hash()} (see
 * {@link AuditHash} for the exact encoding).
 *
 * <p>Each chain is an app id as text, or {@link #OPERATOR_CHAIN} for actions not tied to an app; its records are
 * numbered 1, 2, 3... by {@link #seq()}. A record is first built <em>unsealed</em> (no hashes), then sealed with the
 * hash of the record before it ({@link AuditHash#genesis()} for seq 1):
 *
 * <pre>{@code
 * AuditRecord draft = AuditRecord.builder()
 *         .chain(appId.toString()).seq(head.seq() + 1).at(clock.instant())
 *         .actor("user", "alice", "user").action("message.send")
 *         .resource("message", messageId.toString()).outcome("success")
 *         .build();
 * AuditRecord sealed = draft.seal(head.hash());
 * }</pre>
 *
 * <p>{@link #at()} is truncated to microseconds, the precision PostgreSQL stores, so that a record read back from the
 * database hashes the same. {@link #details()} is a small map of plain strings (counts, ids, never message content),
 * kept sorted by key. Nullable: actorId, actorRole, resourceType, resourceId, ip, userAgent, reason; {@code prevHash}
 * and {@code hash} are both {@code null} (unsealed) or both 32 bytes. Byte arrays are copied in and out, so the record
 * is immutable and thread-safe; {@code equals} compares their contents.
 */
public record AuditRecord(String chain, long seq, Instant at, String actorType, String actorId, String actorRole,
        String action, String resourceType, String resourceId, String ip, String userAgent, String outcome,
        String reason, Map<String, String> details, byte[] prevHash, byte[] hash) {

    /** The chain of operator actions that belong to no app. */
    public static final String OPERATOR_CHAIN = "operator";
    /** The accepted values of {@link #actorType()}. */
    public static final Set<String> ACTOR_TYPES =
            Set.of("user", "server", "operator", "compliance", "officer", "system", "anonymous");
    /** The accepted values of {@link #outcome()}. */
    public static final Set<String> OUTCOMES = Set.of("success", "failure");
    private static final List<String> ACTOR_TYPES_SORTED = ACTOR_TYPES.stream().sorted().toList();

    public AuditRecord {
        requireText("chain", chain);
        if (seq < 1) {
            throw ChatException.invalid("seq", "must be 1 or more");
        }
        Objects.requireNonNull(at, "at");
        at = at.truncatedTo(ChronoUnit.MICROS);
        if (!ACTOR_TYPES.contains(actorType)) {
            throw ChatException.invalid("actor_type", "must be one of " + String.join("|", ACTOR_TYPES_SORTED));
        }
        requireText("action", action);
        if (!OUTCOMES.contains(outcome)) {
            throw ChatException.invalid("outcome", "must be success or failure");
        }
        details = copyDetails(details);
        if ((prevHash == null) != (hash == null)) {
            throw ChatException.invalid(prevHash == null ? "prev_hash" : "hash",
                    "must be set together with " + (prevHash == null ? "hash" : "prev_hash"));
        }
        prevHash = copyHash("prev_hash", prevHash);
        hash = copyHash("hash", hash);
    }

    /** A builder of an unsealed record; {@code chain}, {@code seq}, {@code at}, actor type, action and outcome are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether this record carries its hashes. */
    public boolean sealed() {
        return hash != null;
    }

    /**
     * This unsealed record with {@code prevHash} (the hash of the record before it in the chain, or
     * {@link AuditHash#genesis()} for seq 1) and the hash computed over both.
     *
     * @throws IllegalStateException if this record is sealed already
     */
    public AuditRecord seal(byte[] prevHash) {
        if (sealed()) {
            throw new IllegalStateException("audit record " + chain + "#" + seq + " is sealed already");
        }
        byte[] prev = copyHash("prev_hash", Objects.requireNonNull(prevHash, "prevHash"));
        return new AuditRecord(chain, seq, at, actorType, actorId, actorRole, action, resourceType, resourceId, ip,
                userAgent, outcome, reason, details, prev, AuditHash.compute(this, prev));
    }

    @Override
    public byte[] prevHash() {
        return prevHash == null ? null : prevHash.clone();
    }

    @Override
    public byte[] hash() {
        return hash == null ? null : hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditRecord r && seq == r.seq && chain.equals(r.chain) && at.equals(r.at)
                && actorType.equals(r.actorType) && Objects.equals(actorId, r.actorId)
                && Objects.equals(actorRole, r.actorRole) && action.equals(r.action)
                && Objects.equals(resourceType, r.resourceType) && Objects.equals(resourceId, r.resourceId)
                && Objects.equals(ip, r.ip) && Objects.equals(userAgent, r.userAgent) && outcome.equals(r.outcome)
                && Objects.equals(reason, r.reason) && details.equals(r.details)
                && Arrays.equals(prevHash, r.prevHash) && Arrays.equals(hash, r.hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chain, seq, at, action, Arrays.hashCode(hash));
    }

    /** Names the record without its free-text fields, so that logging it leaks no details, address or agent. */
    @Override
    public String toString() {
        return "AuditRecord[" + chain + "#" + seq + " " + action + " " + outcome + " at " + at
                + (hash == null ? ", unsealed" : ", hash " + Fields.hex(hash)) + "]";
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ChatException.invalid(field, "is required");
        }
    }

    private static byte[] copyHash(String field, byte[] value) {
        if (value == null) {
            return null;
        }
        if (value.length != AuditHash.LENGTH) {
            throw ChatException.invalid(field, "must be " + AuditHash.LENGTH + " bytes, not " + value.length);
        }
        return value.clone();
    }

    private static SortedMap<String, String> copyDetails(Map<String, String> details) {
        SortedMap<String, String> copy = new TreeMap<>(Fields.UTF8_ORDER);
        if (details != null) {
            details.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw ChatException.invalid("details", "keys and values must not be null");
                }
                copy.put(k, v);
            });
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    /**
     * Builds an unsealed {@link AuditRecord}; validation happens in {@link #build()}. Not thread-safe; a builder is
     * meant for one record.
     */
    public static final class Builder {
        private String chain;
        private long seq;
        private Instant at;
        private String actorType;
        private String actorId;
        private String actorRole;
        private String action;
        private String resourceType;
        private String resourceId;
        private String ip;
        private String userAgent;
        private String outcome;
        private String reason;
        private final Map<String, String> details = new TreeMap<>(Fields.UTF8_ORDER);

        private Builder() {
        }

        public Builder chain(String chain) {
            this.chain = chain;
            return this;
        }

        public Builder seq(long seq) {
            this.seq = seq;
            return this;
        }

        public Builder at(Instant at) {
            this.at = at;
            return this;
        }

        /** The actor: its type (see {@link #ACTOR_TYPES}), id and role; id and role may be {@code null}. */
        public Builder actor(String type, String id, String role) {
            this.actorType = type;
            this.actorId = id;
            this.actorRole = role;
            return this;
        }

        public Builder action(String action) {
            this.action = action;
            return this;
        }

        /** The resource acted on; both may be {@code null}. */
        public Builder resource(String type, String id) {
            this.resourceType = type;
            this.resourceId = id;
            return this;
        }

        /** Where the request came from; both may be {@code null}. */
        public Builder client(String ip, String userAgent) {
            this.ip = ip;
            this.userAgent = userAgent;
            return this;
        }

        /** {@code success} or {@code failure}. */
        public Builder outcome(String outcome) {
            this.outcome = outcome;
            return this;
        }

        /** Why, for a failure or a compliance action; may be {@code null}. */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder detail(String key, String value) {
            details.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder details(Map<String, String> details) {
            details.forEach(this::detail);
            return this;
        }

        /** The unsealed record; throws a {@link ChatException} naming the first field that is missing or wrong. */
        public AuditRecord build() {
            return new AuditRecord(chain, seq, at, actorType, actorId, actorRole, action, resourceType, resourceId, ip,
                    userAgent, outcome, reason, details, null, null);
        }
    }
}
