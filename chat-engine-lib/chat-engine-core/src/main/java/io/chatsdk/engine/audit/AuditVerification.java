package io.chatsdk.engine.audit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link AuditVerifier} found in an export: whether it is intact ({@link #ok()}), what it counted up to the first
 * problem, and that problem if there was one. Immutable.
 *
 * @param problem     the first problem, or {@code null} when the export verified
 * @param records     records read (up to the problem, if any)
 * @param checkpoints checkpoints whose signature and hash were checked
 * @param chains      per chain, in the order chains first appeared
 * @param keyId       the key that signed the end line, or {@code null} if none was verified
 */
public record AuditVerification(AuditProblem problem, long records, long checkpoints, List<ChainSummary> chains,
        String keyId) {

    /** One chain in the export: the seq range it covers and how many records it holds. */
    public record ChainSummary(String chain, long firstSeq, long lastSeq, long records) {
        /** Whether the export starts after seq 1 (a time-range export), so its first link could not be checked. */
        public boolean startsMidChain() {
            return firstSeq > 1;
        }
    }

    public AuditVerification {
        chains = List.copyOf(chains);
    }

    public boolean ok() {
        return problem == null;
    }

    /** E.g. {@code 120 records in 3 chains, 4 checkpoints, signed by key 1a2b...; chain x starts at seq 40}. */
    public String summary() {
        String midChain = chains.stream().filter(ChainSummary::startsMidChain)
                .map(c -> "chain " + c.chain() + " starts at seq " + c.firstSeq())
                .collect(Collectors.joining(", "));
        return records + " records in " + chains.size() + " chain" + (chains.size() == 1 ? "" : "s") + ", "
                + checkpoints + " checkpoint" + (checkpoints == 1 ? "" : "s")
                + (keyId == null ? "" : ", signed by key " + keyId)
                + (midChain.isEmpty() ? "" : "; " + midChain);
    }
}
