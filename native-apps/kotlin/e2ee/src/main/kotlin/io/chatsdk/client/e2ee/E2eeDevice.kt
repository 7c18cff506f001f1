package io.chatsdk.client.e2ee

import io.chatsdk.client.ChannelClient
import io.chatsdk.client.ChatClient
import io.chatsdk.client.ChatException
import io.chatsdk.client.models.E2eeBundle
import io.chatsdk.client.models.E2eeDeviceRequest
import io.chatsdk.client.models.E2eeEnvelope
import io.chatsdk.client.models.E2eeEnvelopeCiphertextsInner
import io.chatsdk.client.models.E2eeOneTimeKey
import io.chatsdk.client.models.E2eeReplenishRequest
import io.chatsdk.client.models.E2eeSignedKey
import io.chatsdk.client.models.Message
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.signal.libsignal.protocol.IdentityKey
import org.signal.libsignal.protocol.IdentityKeyPair
import org.signal.libsignal.protocol.InvalidMessageException
import org.signal.libsignal.protocol.SessionBuilder
import org.signal.libsignal.protocol.SessionCipher
import org.signal.libsignal.protocol.SignalProtocolAddress
import org.signal.libsignal.protocol.ecc.ECKeyPair
import org.signal.libsignal.protocol.ecc.ECPublicKey
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator
import org.signal.libsignal.protocol.kem.KEMKeyPair
import org.signal.libsignal.protocol.kem.KEMKeyType
import org.signal.libsignal.protocol.kem.KEMPublicKey
import org.signal.libsignal.protocol.message.CiphertextMessage
import org.signal.libsignal.protocol.message.PreKeySignalMessage
import org.signal.libsignal.protocol.message.SignalMessage
import org.signal.libsignal.protocol.state.KyberPreKeyRecord
import org.signal.libsignal.protocol.state.PreKeyBundle
import org.signal.libsignal.protocol.state.PreKeyRecord
import org.signal.libsignal.protocol.state.SignalProtocolStore
import org.signal.libsignal.protocol.state.SignedPreKeyRecord
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore
import org.signal.libsignal.protocol.util.KeyHelper
import java.util.Base64
import java.util.concurrent.atomic.AtomicInteger

/**
 * One device of one user in end-to-end encrypted 1:1 channels, with the Signal protocol (libsignal): it publishes its
 * keys to the appliance's prekey directory, opens sessions from claimed bundles (PQXDH), encrypts a message once per
 * recipient device (the peer's devices and this user's other devices) with the Double Ratchet, decrypts what it
 * receives, tops up its one-time keys, and shows safety numbers.
 *
 * The protocol state lives in [store] (libsignal's [SignalProtocolStore]); the default keeps it in memory. A real app
 * passes a persistent store, or its sessions end with the process. Not thread-safe for one device: calls are
 * serialised by a mutex.
 */
class E2eeDevice(
    private val client: ChatClient,
    val deviceId: Int,
    private val store: SignalProtocolStore = InMemorySignalProtocolStore(IdentityKeyPair.generate(), KeyHelper.generateRegistrationId(false)),
    /** Called when a device this one had a session with shows a new identity key: its safety number changed. */
    private val onIdentityChanged: (userId: String, deviceId: Int) -> Unit = { _, _ -> },
) {
    private val lock = Mutex()
    // random, as Signal's clients do: a device that publishes again (a restored store, a reinstall) does not reuse the
    // ids of keys the directory may still hand out
    private val nextKeyId = AtomicInteger(1 + java.security.SecureRandom().nextInt(0xFFFFFF - 1_000_000))
    /** Plain text of messages this device already decrypted or sent: a ratchet key opens a message once only. */
    private val plaintexts = java.util.concurrent.ConcurrentHashMap<String, String>()
    private val userId: String get() = client.currentUserId ?: throw ChatException(0, "not_connected", "call connectUser() first")

    init {
        require(deviceId in 1..127) { "deviceId must be 1-127" }
    }

    /** This device's identity key, as the directory publishes it (base64 of 33 bytes). */
    val identityKey: String get() = b64(store.identityKeyPair.publicKey.serialize())

    /** Publishes this device with a signed prekey, a last-resort Kyber key and [oneTimeKeys] one-time keys of each kind. */
    suspend fun publish(oneTimeKeys: Int = 20) = lock.withLock {
        val identity = store.identityKeyPair
        val signed = ECKeyPair.generate()
        val signedId = nextKeyId.getAndIncrement()
        val signedRecord = SignedPreKeyRecord(signedId, System.currentTimeMillis(), signed, identity.privateKey.calculateSignature(signed.publicKey.serialize()))
        store.storeSignedPreKey(signedId, signedRecord)
        val lastResort = kyber(identity)
        client.e2ee.publish(deviceId, E2eeDeviceRequest(
            registrationId = store.localRegistrationId,
            identityKey = identityKey,
            signedPrekey = E2eeSignedKey(signedId, b64(signed.publicKey.serialize()), b64(signedRecord.signature)),
            pqLastResortPrekey = signedKey(lastResort),
            prekeys = (1..oneTimeKeys).map { oneTimeEc() },
            pqPrekeys = (1..oneTimeKeys).map { signedKey(kyber(identity)) },
        ))
    }

    /** Uploads [batch] more one-time keys of a kind whose count fell below [below]; returns the counts after. */
    suspend fun replenish(below: Int = 10, batch: Int = 20) = lock.withLock {
        val counts = client.e2ee.counts(deviceId)
        if (counts.prekeys >= below && counts.pqPrekeys >= below) return@withLock counts
        val identity = store.identityKeyPair
        client.e2ee.addKeys(deviceId, E2eeReplenishRequest(
            prekeys = if (counts.prekeys < below) (1..batch).map { oneTimeEc() } else null,
            pqPrekeys = if (counts.pqPrekeys < below) (1..batch).map { signedKey(kyber(identity)) } else null,
        ))
    }

    /**
     * Encrypts [plaintext] for every device of [peer] and every other device of this user, opening a session (from a
     * claimed bundle) with each device it has none with yet.
     */
    suspend fun encrypt(peer: String, plaintext: String): E2eeEnvelope = lock.withLock {
        val me = userId
        // one directory read per user gives both the devices to encrypt for and their published identities
        val identities = (client.e2ee.devices(peer).map { peer to it } + client.e2ee.devices(me).map { me to it })
            .associate { (user, d) -> (user to d.deviceId) to d.identityKey }
        val targets = identities.keys.filter { it != me to deviceId }
        if (targets.none { it.first == peer }) throw ChatException(404, "not_found", "user '$peer' has no end-to-end encryption device")
        val ciphertexts = targets.map { (user, device) ->
            val address = SignalProtocolAddress(user, device)
            val published = IdentityKey(Base64.getDecoder().decode(identities.getValue(user to device)))
            val known = store.getIdentity(address)
            if (known != null && known != published) {
                // the device has a new identity (reinstalled, or someone else): the old session is of no use, and the
                // app should tell the user that the safety number changed
                store.deleteSession(address)
                store.saveIdentity(address, published)   // trusted from now on, as on first use; the app is told below
                onIdentityChanged(user, device)
            }
            if (!store.containsSession(address)) {
                val bundle = client.e2ee.claim(user, device).single()
                SessionBuilder(store, address).process(preKeyBundle(bundle))
            }
            val message = SessionCipher(store, address).encrypt(plaintext.toByteArray(Charsets.UTF_8))
            E2eeEnvelopeCiphertextsInner(user, device,
                message.type,
                b64(message.serialize()))
        }
        E2eeEnvelope(deviceId, ciphertexts)
    }

    /** Encrypts and sends [plaintext] into [channel], an end-to-end encrypted 1:1 channel with [peer]. */
    suspend fun send(channel: ChannelClient, peer: String, plaintext: String): Message =
        channel.sendEncrypted(encrypt(peer, plaintext)).also { plaintexts[it.id] = plaintext }   // no ciphertext is made for this device

    /**
     * Decrypts this device's ciphertext in [message]. Throws [E2eeException] when the message holds none for this
     * device, or when its ciphertext does not authenticate (tampered, replayed, or from an unknown session).
     */
    suspend fun decrypt(message: Message): String = lock.withLock {
        plaintexts[message.id]?.let { return@withLock it }   // delivered again (sync, a reconnect, a watch)
        val envelope = message.e2ee ?: throw E2eeException("message ${message.id} is not end-to-end encrypted")
        val mine = envelope.ciphertexts.firstOrNull { it.userId == userId && it.deviceId == deviceId }
            ?: throw E2eeException("message ${message.id} holds no ciphertext for device $deviceId of $userId")
        val cipher = SessionCipher(store, SignalProtocolAddress(message.userId, envelope.senderDevice))
        val bytes = try {
            Base64.getDecoder().decode(mine.body)
        } catch (e: IllegalArgumentException) {
            throw E2eeException("message ${message.id}: its ciphertext is not base64", e)
        }
        try {
            val plain = if (mine.type == CiphertextMessage.PREKEY_TYPE) cipher.decrypt(PreKeySignalMessage(bytes)) else cipher.decrypt(SignalMessage(bytes))
            String(plain, Charsets.UTF_8).also { plaintexts[message.id] = it }
        } catch (e: InvalidMessageException) {
            throw E2eeException("message ${message.id} does not decrypt: ${e.javaClass.simpleName}", e)
        } catch (e: Exception) {
            throw E2eeException("message ${message.id} does not decrypt: ${e.javaClass.simpleName}", e)
        }
    }

    /**
     * The safety number of this user and [peer] (60 digits, the same on both sides) from their identity keys: compare
     * it out of band to know that no one sits in the middle. [peerIdentityKey] is the base64 the directory lists.
     */
    fun safetyNumber(peer: String, peerIdentityKey: String): String =
        NumericFingerprintGenerator(5200).createFor(2, userId.toByteArray(Charsets.UTF_8), store.identityKeyPair.publicKey,
            peer.toByteArray(Charsets.UTF_8), IdentityKey(Base64.getDecoder().decode(peerIdentityKey))).displayableFingerprint.displayText

    private fun oneTimeEc(): E2eeOneTimeKey {
        val id = nextKeyId.getAndIncrement()
        val pair = ECKeyPair.generate()
        store.storePreKey(id, PreKeyRecord(id, pair))
        return E2eeOneTimeKey(id, b64(pair.publicKey.serialize()))
    }

    private fun kyber(identity: IdentityKeyPair): KyberPreKeyRecord {
        val id = nextKeyId.getAndIncrement()
        val pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024)
        val record = KyberPreKeyRecord(id, System.currentTimeMillis(), pair, identity.privateKey.calculateSignature(pair.publicKey.serialize()))
        store.storeKyberPreKey(id, record)
        return record
    }

    private fun signedKey(record: KyberPreKeyRecord) = E2eeSignedKey(record.id, b64(record.keyPair.publicKey.serialize()), b64(record.signature))

    private fun preKeyBundle(b: E2eeBundle): PreKeyBundle {
        val d = Base64.getDecoder()
        return PreKeyBundle(
            b.registrationId, b.deviceId,
            b.prekey?.keyId ?: PreKeyBundle.NULL_PRE_KEY_ID, b.prekey?.let { ECPublicKey(d.decode(it.publicKey)) },
            b.signedPrekey.keyId, ECPublicKey(d.decode(b.signedPrekey.publicKey)), d.decode(b.signedPrekey.signature),
            IdentityKey(d.decode(b.identityKey)),
            b.pqPrekey.keyId, KEMPublicKey(d.decode(b.pqPrekey.publicKey)), d.decode(b.pqPrekey.signature),
        )
    }

    private companion object {
        fun b64(bytes: ByteArray): String = Base64.getEncoder().encodeToString(bytes)
    }
}

/** A message that cannot be decrypted by this device. */
class E2eeException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)
