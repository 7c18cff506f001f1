package io.chatsdk.engine.audit;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the offline verifier of audit exports: any bytes give a verification result that names a problem, or, for
 * an untouched export, says it is intact; the verifier never throws on what it reads (issue #14). Seeds:
 * {@code AuditExportFuzzTestInputs/}.
 */
class AuditExportFuzzTest {
    private static final AuditVerifier VERIFIER = new AuditVerifier(AuditSigner.generate(new SecureRandom()).publicKey());

    @FuzzTest(maxDuration = "10s")
    void anyExportIsJudgedNotThrownOn(byte[] input) throws Exception {
        AuditVerification v = VERIFIER.verify(() -> new ByteArrayInputStream(input));
        assertThat(v).isNotNull();
        assertThat(v.ok() || v.problem() != null).as("a failed verification names its problem").isTrue();
    }
}
