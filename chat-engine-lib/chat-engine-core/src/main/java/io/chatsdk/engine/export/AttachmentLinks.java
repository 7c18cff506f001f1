package io.chatsdk.engine.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what the EML and XML exports show of an attachment: a label and its links. Attachments are
 * JSON-like maps whose URL keys vary ({@code asset_url}, {@code image_url}, {@code thumb_url},
 * {@code og_scrape_url}, ...), so every string value under a key ending in {@code url} counts.
 * Files are never downloaded. Stateless.
 */
final class AttachmentLinks {
    private AttachmentLinks() {
    }

    /** The attachment's URLs, in the map's order, without duplicates. */
    static List<String> urls(Map<String, Object> attachment) {
        List<String> urls = new ArrayList<>(2);
        for (Map.Entry<String, Object> entry : attachment.entrySet()) {
            if (entry.getKey() != null && entry.getKey().toLowerCase(Locale.ROOT).endsWith("url")
                    && entry.getValue() instanceof String url && !url.isBlank() && !urls.contains(url)) {
                urls.add(url);
            }
        }
        return urls;
    }

    /** A short label: the title, name or fallback text, else the type, else {@code "attachment"}. */
    static String label(Map<String, Object> attachment) {
        for (String key : List.of("title", "name", "fallback", "type")) {
            if (attachment.get(key) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return "attachment";
    }
}
