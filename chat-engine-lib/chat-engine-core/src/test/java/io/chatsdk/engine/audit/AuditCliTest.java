package io.chatsdk.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void keygenWritesAPrivateKeyOnlyItsOwnerCanReadAndAMatchingPublicKey() throws IOException {
        Path keys = dir.resolve("keys");

        assertThat(run("keygen", "--out", keys.toString())).isZero();

        AuditSigner signer = AuditSigner.fromPem(Files.readString(keys.resolve("audit-signing.key")));
        AuditPublicKey pub = AuditPublicKey.fromPem(Files.readString(keys.resolve("audit-signing.pub")));
        assertThat(pub).isEqualTo(signer.publicKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("audit-signing.key"))))
                .isEqualTo("rw-------");
        assertThat(stdout()).contains("key id " + signer.keyId()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void keygenNeverOverwritesAKey() throws IOException {
        assertThat(run("keygen", "--out", dir.toString())).isZero();
        String before = Files.readString(dir.resolve("audit-signing.key"));

        assertThat(run("keygen", "--out", dir.toString())).isEqualTo(2);
        assertThat(stderr()).contains("audit-signing.key exists already");
        assertThat(Files.readString(dir.resolve("audit-signing.key"))).isEqualTo(before);
    }

    @Test
    void verifyPrintsOkAndExitsZeroForAnIntactExport() throws IOException {
        Path export = write("export.jsonl", AuditExportFixture.standardExport());
        Path pub = writePublicKey(AuditExportFixture.SIGNER);

        assertThat(run("verify", export.toString(), "--key", pub.toString())).isZero();
        assertThat(stdout()).startsWith("OK: 11 records in 2 chains, 3 checkpoints, signed by key ");
    }

    @Test
    void verifyPrintsTheFirstProblemAndExitsOneForATamperedExport() throws IOException {
        List<String> lines = AuditExportFixture.lines(AuditExportFixture.standardExport());
        int i = AuditExportFixture.recordIndex(lines, AuditExportFixture.APP, 2);
        lines.set(i, lines.get(i).replace("\"alice-2\"", "\"alice-3\""));
        Path export = write("export.jsonl", AuditExportFixture.join(lines));

        assertThat(run("verify", export.toString(), "--key", writePublicKey(AuditExportFixture.SIGNER).toString()))
                .isEqualTo(1);
        assertThat(stdout()).startsWith("FAILED: HASH_MISMATCH at line " + (i + 1) + " (chain "
                + AuditExportFixture.APP + ", seq 2)");
    }

    @Test
    void verifyWithAnotherKeyExitsOne() throws IOException {
        Path export = write("export.jsonl", AuditExportFixture.standardExport());

        assertThat(run("verify", export.toString(), "--key", writePublicKey(AuditExportFixture.OTHER_SIGNER)
                .toString())).isEqualTo(1);
        assertThat(stdout()).startsWith("FAILED: WRONG_KEY");
    }

    @Test
    void usageErrorsAndUnreadableFilesExitTwoWithAClearMessage() throws IOException {
        Path export = write("export.jsonl", AuditExportFixture.standardExport());
        Path pub = writePublicKey(AuditExportFixture.SIGNER);
        Path notAKey = write("not-a-key.pem", "hello".getBytes(StandardCharsets.UTF_8));

        assertExit2(List.of(), "a command is needed");
        assertExit2(List.of("frobnicate"), "unknown command 'frobnicate'");
        assertExit2(List.of("verify", export.toString()), "needs the public key");
        assertExit2(List.of("verify", "--key", pub.toString()), "needs the export FILE");
        assertExit2(List.of("verify", export.toString(), "--key"), "--key needs a value");
        assertExit2(List.of("verify", dir.resolve("absent.jsonl").toString(), "--key", pub.toString()),
                "cannot read export file " + dir.resolve("absent.jsonl") + ": no such file");
        assertExit2(List.of("verify", export.toString(), "--key", dir.resolve("absent.pem").toString()),
                "cannot read key file");
        assertExit2(List.of("verify", export.toString(), "--key", notAKey.toString()),
                "is not an Ed25519 public key PEM");
        assertExit2(List.of("keygen"), "keygen takes --out DIR");
    }

    @Test
    void helpExitsZero() {
        assertThat(run("help")).isZero();
        assertThat(stdout()).contains("chatsdk audit verify FILE --key PUB.pem", "chatsdk audit keygen --out DIR");
    }

    private void assertExit2(List<String> args, String message) {
        err.reset();
        assertThat(run(args.toArray(String[]::new))).as("%s", args).isEqualTo(2);
        assertThat(stderr()).as("%s", args).startsWith("chatsdk audit: ").contains(message);
    }

    private int run(String... args) {
        return AuditCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path writePublicKey(AuditSigner signer) throws IOException {
        return write(signer.keyId() + ".pub", signer.publicKey().toPem().getBytes(StandardCharsets.US_ASCII));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
