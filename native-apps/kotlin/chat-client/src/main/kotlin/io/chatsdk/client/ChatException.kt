package io.chatsdk.client

/**
 * What a failed call reports. [status] is the HTTP status (0 when the request never got an answer) and [code] the
 * API's stable error code (`validation_error`, `token_expired`, ...; `network_error` when offline).
 */
class ChatException(val status: Int, val code: String, message: String, val field: String? = null, cause: Throwable? = null) :
    RuntimeException(message, cause) {
    /** True when trying again later may work: no answer, 429, or a 5xx. */
    val retryable: Boolean get() = status == 0 || status == 429 || status >= 500

    override fun toString(): String = "ChatException($status $code: $message)"
}
