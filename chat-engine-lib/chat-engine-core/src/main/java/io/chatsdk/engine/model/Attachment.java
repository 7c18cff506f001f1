package io.chatsdk.engine.model;

import java.util.List;
import java.util.Map;

/**
 * A message attachment. {@code type} is {@code image}, {@code video}, {@code file}, {@code audio},
 * {@code voiceRecording} or a custom type. Voice recordings carry {@code duration} (seconds) and
 * {@code waveformData} (amplitudes in 0..1).
 */
public record Attachment(
        String type,
        String assetUrl,
        String mimeType,
        Long fileSize,
        String title,
        String thumbUrl,
        Double duration,
        List<Double> waveformData,
        Map<String, Object> custom) {

    public static Attachment image(String url) {
        return new Attachment("image", url, null, null, null, null, null, null, null);
    }

    public static Attachment file(String url, String mimeType, long size, String title) {
        return new Attachment("file", url, mimeType, size, title, null, null, null, null);
    }
}
