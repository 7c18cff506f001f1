package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line for auditors and operators, run as {@code ./chatsdk audit ...}:
 * <ul>
 *   <li>{@code verify FILE --key PUB.pem [--key OLD.pem]} checks an export; prints {@code OK: ...} and exits 0, or
 *       prints the first problem and exits 1;</li>
 *   <li>{@code keygen --out DIR} writes a new Ed25519 key pair as {@code DIR/audit-signing.key} (PKCS#8 PEM, mode 600
 *       where the file system is POSIX) and {@code DIR/audit-signing.pub} (X.509 PEM); it never overwrites a key.</li>
 * </ul>
 * Usage errors and unreadable files exit 2 with a message on standard error. Stateless.
 */
public final class AuditCli {
    static final String PRIVATE_KEY_FILE = "audit-signing.key";
    static final String PUBLIC_KEY_FILE = "audit-signing.pub";
    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: chatsdk audit verify FILE --key PUB.pem [--key PUB.pem ...]",
            "       chatsdk audit keygen --out DIR",
            "  verify  checks an audit export (hashes, links, checkpoints, signed end line) with public keys only;",
            "          exit 0 when intact, 1 at the first problem, 2 on a usage error or an unreadable file",
            "  keygen  writes a new Ed25519 signing key pair: DIR/" + PRIVATE_KEY_FILE + " (secret, mode 600) and DIR/"
                    + PUBLIC_KEY_FILE);

    /** Why the command cannot run at all: exit code 2. */
    private static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private AuditCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command and returns its exit code; {@code main} without the exit, for tests and embedding. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            String command = args.length == 0 ? "" : args[0];
            List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
            switch (command) {
                case "verify":
                    return verify(rest, out);
                case "keygen":
                    return keygen(rest, out);
                case "help", "-h", "--help":
                    out.println(USAGE);
                    return 0;
                default:
                    throw new UsageError(command.isEmpty() ? "a command is needed" : "unknown command '" + command + "'");
            }
        } catch (UsageError e) {
            err.println("chatsdk audit: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
    }

    private static int verify(List<String> args, PrintStream out) throws UsageError {
        Path file = null;
        List<Path> keyFiles = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--key")) {
                keyFiles.add(Path.of(value(args, ++i, "--key")));
            } else if (arg.startsWith("-")) {
                throw new UsageError("unknown option '" + arg + "' for verify");
            } else if (file == null) {
                file = Path.of(arg);
            } else {
                throw new UsageError("verify takes one FILE");
            }
        }
        if (file == null) {
            throw new UsageError("verify needs the export FILE");
        }
        if (keyFiles.isEmpty()) {
            throw new UsageError("verify needs the public key: --key PUB.pem");
        }
        List<AuditPublicKey> keys = new ArrayList<>();
        for (Path keyFile : keyFiles) {
            try {
                keys.add(AuditPublicKey.fromPem(Files.readString(keyFile, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UsageError("cannot read key file " + keyFile + ": " + reason(e));
            } catch (ChatException e) {
                throw new UsageError("key file " + keyFile + " is not an Ed25519 public key PEM (BEGIN PUBLIC KEY)");
            }
        }
        AuditVerification result;
        try {
            result = new AuditVerifier(keys).verify(file);
        } catch (IOException e) {
            throw new UsageError("cannot read export file " + file + ": " + reason(e));
        }
        if (result.ok()) {
            out.println("OK: " + result.summary());
            return 0;
        }
        out.println("FAILED: " + result.problem());
        out.println("(read before the problem: " + result.summary() + ")");
        return 1;
    }

    private static int keygen(List<String> args, PrintStream out) throws UsageError {
        if (args.size() != 2 || !args.get(0).equals("--out")) {
            throw new UsageError("keygen takes --out DIR");
        }
        Path dir = Path.of(args.get(1));
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
        AuditSigner signer = AuditSigner.generate(new SecureRandom());
        try {
            Files.createDirectories(dir);
            for (Path existing : List.of(privateFile, publicFile)) {
                if (Files.exists(existing)) {
                    throw new FileAlreadyExistsException(existing.toString());
                }
            }
            // Created with mode 600 from the start, so the key is never readable by others, not even briefly.
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(privateFile);
            }
            Files.writeString(privateFile, signer.privateKeyPem(), StandardCharsets.UTF_8);
            Files.writeString(publicFile, signer.publicKey().toPem(), StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new UsageError(e.getFile() + " exists already; keygen never overwrites a key");
        } catch (IOException e) {
            throw new UsageError("cannot write the key pair to " + dir + ": " + reason(e));
        }
        out.println("Wrote " + privateFile + " (the private signing key: keep it secret) and " + publicFile
                + " (give it to auditors); key id " + signer.keyId());
        return 0;
    }

    private static String value(List<String> args, int i, String option) throws UsageError {
        if (i >= args.size()) {
            throw new UsageError(option + " needs a value");
        }
        return args.get(i);
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
