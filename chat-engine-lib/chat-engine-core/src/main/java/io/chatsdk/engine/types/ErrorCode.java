package io.chatsdk.engine.types;

/**
 * Stable, machine-readable error codes. The {@link #code()} strings are part of the public contract:
 * clients and the REST layer match on them, so they are never renamed.
 */
public enum ErrorCode {
    VALIDATION("validation_error", Category.VALIDATION),
    NOT_FOUND("not_found", Category.NOT_FOUND),
    APP_NOT_FOUND("app_not_found", Category.NOT_FOUND),
    APP_DISABLED("app_disabled", Category.FORBIDDEN),
    USER_NOT_FOUND("user_not_found", Category.NOT_FOUND),
    CHANNEL_TYPE_NOT_FOUND("channel_type_not_found", Category.NOT_FOUND),
    CHANNEL_NOT_FOUND("channel_not_found", Category.NOT_FOUND),
    MESSAGE_NOT_FOUND("message_not_found", Category.NOT_FOUND),
    REACTION_NOT_FOUND("reaction_not_found", Category.NOT_FOUND),
    FORBIDDEN("forbidden", Category.FORBIDDEN),
    USER_BANNED("user_banned", Category.FORBIDDEN),
    USER_DEACTIVATED("user_deactivated", Category.FORBIDDEN),
    CHANNEL_FROZEN("channel_frozen", Category.FORBIDDEN),
    FEATURE_DISABLED("feature_disabled", Category.FORBIDDEN),
    CONFLICT("conflict", Category.CONFLICT),
    MESSAGE_ID_CONFLICT("message_id_conflict", Category.CONFLICT),
    RATE_LIMITED("rate_limited", Category.RATE_LIMITED),
    /** The channel's slow mode: the user must wait before sending again (the message says how long). */
    SLOW_MODE("slow_mode", Category.RATE_LIMITED),
    /** A blocklist with behaviour {@code block} matched the message. */
    BLOCKLISTED("blocklisted", Category.VALIDATION),
    /** The app's before-message-send hook rejected the message (the message says why). */
    MESSAGE_REJECTED("message_rejected", Category.VALIDATION),
    /** An end-to-end encryption key whose signature is not its identity key's. */
    INVALID_SIGNATURE("invalid_signature", Category.VALIDATION),
    /** Plain content sent into an end-to-end encrypted channel, which takes ciphertext only. */
    E2EE_REQUIRED("e2ee_required", Category.VALIDATION),
    UNAVAILABLE("unavailable", Category.UNAVAILABLE),
    /** The app's encryption keys were destroyed (crypto-shredding): its content can never be read again. */
    CONTENT_ERASED("content_erased", Category.GONE),
    /** A message carried a card number or personal data and the app's redaction policy is {@code reject}. */
    SENSITIVE_DATA("sensitive_data", Category.VALIDATION),
    /** The operation would destroy data a legal hold keeps. */
    LEGAL_HOLD("legal_hold", Category.CONFLICT),
    FILE_NOT_FOUND("file_not_found", Category.NOT_FOUND),
    /** An upload larger than the app's (or the engine's) limit for its kind. */
    FILE_TOO_LARGE("file_too_large", Category.TOO_LARGE),
    /** An upload whose type (sniffed from its bytes) or extension the app's upload settings do not allow. */
    FILE_TYPE_NOT_ALLOWED("file_type_not_allowed", Category.VALIDATION),
    /** An upload whose declared type or extension says something other than its bytes. */
    FILE_TYPE_MISMATCH("file_type_mismatch", Category.VALIDATION),
    /** The app's stored files would exceed its byte quota. */
    UPLOAD_QUOTA_EXCEEDED("upload_quota_exceeded", Category.FORBIDDEN),
    /** A file link whose signature does not verify. */
    FILE_LINK_INVALID("file_link_invalid", Category.FORBIDDEN),
    /** A genuine file link whose time is up: read the message again for a fresh one. */
    FILE_LINK_EXPIRED("file_link_expired", Category.GONE),
    /** No export job of that id in the app. */
    EXPORT_NOT_FOUND("export_not_found", Category.NOT_FOUND),
    /** The export job has not finished (or failed): there is nothing to download yet. */
    EXPORT_NOT_READY("export_not_ready", Category.CONFLICT),
    /** The export's file was deleted when it expired; start the export again. */
    EXPORT_EXPIRED("export_expired", Category.GONE),
    INTERNAL("internal_error", Category.INTERNAL);

    /** Broad class of an error; the REST layer maps each to one HTTP status. */
    public enum Category {
        VALIDATION(400), NOT_FOUND(404), FORBIDDEN(403), CONFLICT(409), TOO_LARGE(413), RATE_LIMITED(429), GONE(410), UNAVAILABLE(503),
        INTERNAL(500);

        private final int httpStatus;

        Category(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** The HTTP status this category maps to. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final String code;
    private final Category category;

    ErrorCode(String code, Category category) {
        this.code = code;
        this.category = category;
    }

    /** The stable string form, for example {@code "channel_not_found"}. */
    public String code() {
        return code;
    }

    public Category category() {
        return category;
    }
}
