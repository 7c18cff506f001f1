package io.chatsdk.engine.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks an audit export offline, with public keys only: every record's hash, every link between records of a chain,
 * every checkpoint's signature and hash, and the signed end line that makes a cut-off tail visible. It reports the
 * FIRST problem with a stable {@link AuditProblem.Kind}, the line, the chain and the seq.
 *
 * <pre>{@code
 * AuditVerification result = new AuditVerifier(AuditPublicKey.fromPem(Files.readString(pub))).verify(exportFile);
 * if (!result.ok()) System.out.println(result.problem());
 * }</pre>
 *
 * <p>The file is read as a stream, line by line, holding only the head of each chain; when a chain skips seq
 * numbers, the file is read a second time to tell records that were moved later (REORDERED) from records that were
 * deleted (MISSING_RECORDS). An export may start mid-chain (a time-range export): a chain's first record is then
 * taken with the prev_hash it carries, and {@link AuditVerification.ChainSummary#startsMidChain()} says so.
 *
 * <p>Several keys may be given, e.g. the current and the previous one after a key rotation; a line signed by a key
 * not among them is WRONG_KEY. Immutable and thread-safe; {@code verify} blocks on file reads.
 */
public final class AuditVerifier {
    /** Opens the export; called once per pass, so it must return a fresh stream from the start each time. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private final Map<String, AuditPublicKey> keys;

    public AuditVerifier(AuditPublicKey key) {
        this(List.of(Objects.requireNonNull(key, "key")));
    }

    public AuditVerifier(Collection<AuditPublicKey> keys) {
        Map<String, AuditPublicKey> byId = new LinkedHashMap<>();
        for (AuditPublicKey key : keys) {
            byId.put(key.keyId(), key);
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("keys: at least one public key is needed");
        }
        this.keys = Map.copyOf(byId);
    }

    /**
     * Verifies the export in {@code file}.
     *
     * @throws IOException if the file cannot be read (a damaged file is a problem in the result, not an exception)
     */
    public AuditVerification verify(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return verify(() -> Files.newInputStream(file));
    }

    /** Verifies the export that {@code source} opens; see {@link #verify(Path)}. */
    public AuditVerification verify(Source source) throws IOException {
        return new VerificationRun(keys, Objects.requireNonNull(source, "source")).run();
    }
}
