package io.chatsdk.engine.spi;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link KeyProvider} whose key-encryption keys (AES-256) live in a local PKCS#12 keystore file, protected by a
 * password from configuration. The default provider of the appliance.
 *
 * <p>Entries are named {@code chatsdk-kek-1}, {@code chatsdk-kek-2}, ...; the highest wraps, any of them unwraps, so
 * {@link #rotate()} adds a new key without re-wrapping existing data keys. The wrapped form names the entry:
 * {@code 0x02 || version (4 bytes) || AES-GCM output of an {@link AesGcmKeyProvider}}.
 *
 * <p>{@link #open} creates the keystore with one key when the file does not exist (mode 600 where POSIX). Keep the
 * file and its password apart (and back both up): without them every tenant's data is unreadable. Thread-safe.
 */
public final class Pkcs12KeyProvider implements KeyProvider {
    private static final String PREFIX = "chatsdk-kek-";
    private static final byte FORMAT = 2;

    private final Path file;
    private final char[] password;
    private volatile TreeMap<Integer, AesGcmKeyProvider> keys;

    private Pkcs12KeyProvider(Path file, char[] password, TreeMap<Integer, AesGcmKeyProvider> keys) {
        this.file = file;
        this.password = password;
        this.keys = keys;
    }

    /** Opens the keystore at {@code file}, creating it with a first key if it does not exist. */
    public static Pkcs12KeyProvider open(Path file, char[] password) {
        if (password == null || password.length < 8) {
            throw new IllegalArgumentException("keystore password must have at least 8 characters");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, password);
                } catch (IOException e) {
                    throw new IllegalArgumentException("keystore " + file + " cannot be read: wrong password or not a PKCS#12 file", e);
                }
            } else {
                ks.load(null, password);
                addKey(ks, 1, password);
                store(ks, file, password);
            }
            Pkcs12KeyProvider p = new Pkcs12KeyProvider(file, password.clone(), load(ks, password));
            if (p.keys.isEmpty()) {
                throw new IllegalArgumentException("keystore " + file + " holds no " + PREFIX + "N secret key");
            }
            return p;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKCS#12 keystores are unavailable in this JVM", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write keystore " + file, e);
        }
    }

    /** The versions of the key-encryption keys in the keystore, oldest first. */
    public List<Integer> versions() {
        return Collections.unmodifiableList(new ArrayList<>(keys.keySet()));
    }

    /** Adds a new key-encryption key, used for new wraps from now on; returns its version. */
    public synchronized int rotate() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password);
            }
            int next = keys.lastKey() + 1;
            addKey(ks, next, password);
            store(ks, file, password);
            keys = load(ks, password);
            return next;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKCS#12 keystores are unavailable in this JVM", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update keystore " + file, e);
        }
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] context) {
        Map.Entry<Integer, AesGcmKeyProvider> current = keys.lastEntry();
        byte[] inner = current.getValue().wrap(plaintext, context);
        byte[] out = new byte[5 + inner.length];
        out[0] = FORMAT;
        int v = current.getKey();
        out[1] = (byte) (v >>> 24);
        out[2] = (byte) (v >>> 16);
        out[3] = (byte) (v >>> 8);
        out[4] = (byte) v;
        System.arraycopy(inner, 0, out, 5, inner.length);
        return out;
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] context) {
        if (wrapped == null || wrapped.length < 6 || wrapped[0] != FORMAT) {
            throw new SecurityException("wrapped value is not from a PKCS#12 key provider");
        }
        int v = ((wrapped[1] & 0xff) << 24) | ((wrapped[2] & 0xff) << 16) | ((wrapped[3] & 0xff) << 8) | (wrapped[4] & 0xff);
        AesGcmKeyProvider key = keys.get(v);
        if (key == null) {
            throw new SecurityException("key-encryption key version " + v + " is not in the keystore");
        }
        return key.unwrap(Arrays.copyOfRange(wrapped, 5, wrapped.length), context);
    }

    private static void addKey(KeyStore ks, int version, char[] password) throws GeneralSecurityException {
        KeyGenerator gen = KeyGenerator.getInstance("AES");
        gen.init(256);
        ks.setEntry(PREFIX + version, new KeyStore.SecretKeyEntry(gen.generateKey()), new KeyStore.PasswordProtection(password));
    }

    private static TreeMap<Integer, AesGcmKeyProvider> load(KeyStore ks, char[] password) throws GeneralSecurityException {
        TreeMap<Integer, AesGcmKeyProvider> out = new TreeMap<>();
        for (String alias : Collections.list(ks.aliases())) {
            if (alias.startsWith(PREFIX) && alias.substring(PREFIX.length()).matches("[0-9]{1,9}")) {
                SecretKey key = (SecretKey) ks.getKey(alias, password);
                out.put(Integer.parseInt(alias.substring(PREFIX.length())), new AesGcmKeyProvider(key.getEncoded()));
            }
        }
        return out;
    }

    private static void store(KeyStore ks, Path file, char[] password) throws IOException, GeneralSecurityException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".keystore", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return "Pkcs12KeyProvider[" + file + ", versions " + keys.keySet() + "]";
    }
}
