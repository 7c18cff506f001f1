package io.chatsdk.engine.files;

import io.chatsdk.engine.types.Cid;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored upload, as its readers see it.
 *
 * @param contentType the type sniffed from the bytes (what downloads are served as)
 * @param sha256      hex SHA-256 of the content as stored (images: after their metadata was stripped)
 * @param uploadedBy  the user who uploaded it; null when the app's server did
 * @param messageId   the message that attached it, or null while none has
 * @param duration    for audio the engine measured (WAV, Ogg), its length in seconds; otherwise null
 * @param waveform    for WAV audio, 100 peaks in 0..1; otherwise null
 */
public record StoredFile(UUID id, Cid cid, Files.Kind kind, String name, String contentType, long size, String sha256, String uploadedBy,
                         String messageId, Instant createdAt, Double duration, java.util.List<Double> waveform) {
}
