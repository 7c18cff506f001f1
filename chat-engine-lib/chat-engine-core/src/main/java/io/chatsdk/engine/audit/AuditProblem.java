package io.chatsdk.engine.audit;

import java.util.Objects;

/**
 * The first thing wrong with an audit export, as {@link AuditVerifier} found it: a stable {@link Kind}, the 1-based
 * line where it shows, the chain and seq concerned when the problem is about one record or checkpoint ({@code null}
 * and 0 otherwise), and a sentence for people. Messages name records by chain, seq and line, never by content.
 * Immutable.
 */
public record AuditProblem(Kind kind, long line, String chain, long seq, String message) {

    /** What went wrong; these names are stable and may be matched on by scripts. */
    public enum Kind {
        /** A line is not valid UTF-8, not JSON, not in the export format, or out of place (e.g. no header first). */
        MALFORMED,
        /** A record's hash is not the hash of its content: the record was changed. */
        HASH_MISMATCH,
        /** A record's prev_hash is not the hash of the record before it: one of them was replaced. */
        BROKEN_LINK,
        /** Seq numbers of a chain skip, and the missing records appear nowhere later in the file: they were deleted. */
        MISSING_RECORDS,
        /** Records (or a checkpoint and its record) are in the wrong order. */
        REORDERED,
        /** A record appears twice. */
        DUPLICATE,
        /** A checkpoint or the end line carries a signature that the key does not verify: forged or altered. */
        BAD_SIGNATURE,
        /** A checkpoint or the end line names a key other than the ones given to the verifier. */
        WRONG_KEY,
        /** A validly signed checkpoint disagrees with the chain computed from the records, or is misplaced. */
        CHECKPOINT_MISMATCH,
        /** The file stops early: no end line, or fewer records or chains than the end line signs. */
        TRUNCATED,
        /** The records go beyond or differ from what the end line signs: records were appended or replaced. */
        HEAD_MISMATCH
    }

    public AuditProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** E.g. {@code HASH_MISMATCH at line 17 (chain 0f3c..., seq 12): ...}. */
    @Override
    public String toString() {
        return kind + " at line " + line + (chain == null ? "" : " (chain " + chain + (seq > 0 ? ", seq " + seq : "")
                + ")") + ": " + message;
    }
}
