package io.chatsdk.appliance;

import io.chatsdk.engine.audit.AuditSigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The operator's audit checkpoint key: read from its PEM file, or made on first start with the public key written
 * beside it ({@code <file>.pub}, the file to hand to auditors for {@code chatsdk audit verify}). Nodes of a cluster
 * should share one key file.
 */
final class AuditKeys {
    private static final System.Logger LOG = System.getLogger(AuditKeys.class.getName());

    private AuditKeys() {
    }

    static AuditSigner signer(Path keyFile) {
        try {
            if (Files.exists(keyFile)) {
                return AuditSigner.fromPem(Files.readString(keyFile, StandardCharsets.US_ASCII));
            }
            AuditSigner signer = AuditSigner.generate(new SecureRandom());
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, signer.privateKeyPem(), StandardCharsets.US_ASCII);
            Path pub = keyFile.resolveSibling(keyFile.getFileName() + ".pub");
            if (Files.exists(pub)) {
                // a previous key's public half still verifies older exports: keep it under its key id
                String old = io.chatsdk.engine.audit.AuditPublicKey.fromPem(Files.readString(pub, StandardCharsets.US_ASCII)).keyId();
                Files.move(pub, keyFile.resolveSibling(keyFile.getFileName() + "." + old + ".pub"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.log(Level.WARNING, "the audit signing key was missing: made a new one; the old public key is kept as "
                        + keyFile.getFileName() + "." + old + ".pub");
            }
            Files.writeString(pub, signer.publicKey().toPem(), StandardCharsets.US_ASCII);
            LOG.log(Level.INFO, "created the audit signing key " + keyFile + " (key id " + signer.keyId() + "); public key: " + pub);
            return signer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit signing key " + keyFile, e);
        }
    }
}
