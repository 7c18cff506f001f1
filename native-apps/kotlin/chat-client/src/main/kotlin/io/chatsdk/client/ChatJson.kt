package io.chatsdk.client

import kotlinx.serialization.json.Json

/** The one JSON configuration of the SDK: fields the models do not name (custom fields, newer server fields) are kept out, not fatal. */
internal val ChatJson: Json = Json {
    ignoreUnknownKeys = true
    explicitNulls = false
    encodeDefaults = false
}
