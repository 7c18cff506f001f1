package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.wire.Wire;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validation of message content: text, attachments, mentions and custom data. */
public final class MessageInput {
    public static final int MAX_ATTACHMENTS = 30;
    public static final int MAX_MENTIONS = 100;
    public static final int MAX_WAVEFORM = 1000;
    public static final Set<String> RESERVED = Set.of("e2ee", "id", "cid", "seq", "text", "type", "user", "user_id", "attachments",
            "mentioned_users", "parent_id", "show_in_channel", "reply_count", "quoted_message_id", "pinned", "pinned_at",
            "pinned_by", "pin_expires", "silent", "reaction_counts", "reaction_scores", "own_reactions", "latest_reactions",
            "created_at", "updated_at", "deleted_at", "message_text_updated_at");

    private MessageInput() {
    }

    public static void text(String text, ChannelConfig config) {
        Validate.text("text", text, config.maxMessageLength());
    }

    public static List<Map<String, Object>> attachments(List<Attachment> attachments) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (attachments == null) {
            return out;
        }
        if (attachments.size() > MAX_ATTACHMENTS) {
            throw ChatException.invalid("attachments", "at most " + MAX_ATTACHMENTS + " attachments are allowed, got " + attachments.size());
        }
        for (int i = 0; i < attachments.size(); i++) {
            String f = "attachments[" + i + "]";
            Attachment a = attachments.get(i);
            if (a == null) {
                throw ChatException.invalid(f, "is null");
            }
            Validate.token(f + ".type", a.type());
            url(f + ".asset_url", a.assetUrl());
            url(f + ".thumb_url", a.thumbUrl());
            Validate.text(f + ".mime_type", a.mimeType(), 255);
            Validate.text(f + ".title", a.title(), 255);
            if (a.fileSize() != null && (a.fileSize() < 0 || a.fileSize() > 10L * 1024 * 1024 * 1024)) {
                throw ChatException.invalid(f + ".file_size", "must be between 0 and 10 GiB");
            }
            if (a.duration() != null && (a.duration().isNaN() || a.duration() < 0 || a.duration() > 86_400)) {
                throw ChatException.invalid(f + ".duration", "must be between 0 and 86400 seconds");
            }
            if (a.waveformData() != null) {
                if (a.waveformData().size() > MAX_WAVEFORM) {
                    throw ChatException.invalid(f + ".waveform_data", "holds at most " + MAX_WAVEFORM + " samples");
                }
                for (Double d : a.waveformData()) {
                    if (d == null || d.isNaN() || d < 0 || d > 1) {
                        throw ChatException.invalid(f + ".waveform_data", "samples must be numbers between 0 and 1");
                    }
                }
            }
            CustomData.check(f, a.custom(), Set.of("type", "asset_url", "mime_type", "file_size", "title", "thumb_url", "duration", "waveform_data"));
            // links a client renders (title_link, og_scrape_url, image_url, author_link ...) are http(s) only: no javascript: or data:
            if (a.custom() != null) {
                for (Map.Entry<String, Object> e : a.custom().entrySet()) {
                    if (Validate.isLinkField(e.getKey())) {
                        if (!(e.getValue() instanceof String link)) {
                            throw ChatException.invalid(f + "." + e.getKey(), "must be an absolute http(s) URL");
                        }
                        Validate.httpUrl(f + "." + e.getKey(), link);
                    }
                }
            }
            out.add(Wire.attachment(a));
        }
        return out;
    }

    private static void url(String field, String value) {
        Validate.httpUrl(field, value);
    }

    public static List<String> mentions(List<String> mentioned) {
        if (mentioned == null) {
            return List.of();
        }
        if (mentioned.size() > MAX_MENTIONS) {
            throw ChatException.invalid("mentioned_users", "at most " + MAX_MENTIONS + " users may be mentioned");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < mentioned.size(); i++) {
            ids.add(Validate.userId("mentioned_users[" + i + "]", mentioned.get(i)));
        }
        return List.copyOf(ids);
    }
}
