package io.chatsdk.engine.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The signed last line of an export: the head (last seq and hash) of every chain in it, the number of records and
 * when it was written. Its signature makes a cut-off tail detectable. The Ed25519 signature covers the domain tag
 * {@code chatsdk-export-end-v1} and a zero byte, then length-prefixed fields (see {@link Fields}): the number of
 * heads (decimal), then for each chain sorted by its UTF-8 bytes the chain, its seq (decimal) and its hash (lowercase
 * hex), then the record count (decimal) and {@code at} (ISO-8601, micro-truncated). Immutable.
 */
record ExportEnd(SortedMap<String, Head> heads, long records, Instant at, String keyId, byte[] signature) {
    static final String DOMAIN_TAG = "chatsdk-export-end-v1\0";

    /** The last record of one chain in the export. */
    record Head(long seq, byte[] hash) {
        Head {
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Head h && seq == h.seq && Arrays.equals(hash, h.hash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "Head[" + seq + " " + Fields.hex(hash) + "]";
        }
    }

    ExportEnd {
        SortedMap<String, Head> sorted = new TreeMap<>(Fields.UTF8_ORDER);
        sorted.putAll(heads);
        heads = Collections.unmodifiableSortedMap(sorted);
        at = at.truncatedTo(ChronoUnit.MICROS);
        signature = signature.clone();
    }

    static byte[] signedBytes(Map<String, Head> heads, long records, Instant at) {
        SortedMap<String, Head> sorted = new TreeMap<>(Fields.UTF8_ORDER);
        sorted.putAll(heads);
        Fields f = new Fields(DOMAIN_TAG).add(sorted.size());
        sorted.forEach((chain, head) -> f.add(chain).add(head.seq()).add(Fields.hex(head.hash)));
        return f.add(records).add(at.truncatedTo(ChronoUnit.MICROS).toString()).toByteArray();
    }

    byte[] signedBytes() {
        return signedBytes(heads, records, at);
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportEnd e && heads.equals(e.heads) && records == e.records && at.equals(e.at)
                && keyId.equals(e.keyId) && Arrays.equals(signature, e.signature);
    }

    @Override
    public int hashCode() {
        return heads.hashCode() * 31 + Long.hashCode(records);
    }
}
