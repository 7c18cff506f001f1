package io.chatsdk.client

import io.chatsdk.client.models.E2eeBundle
import io.chatsdk.client.models.E2eeBundlesResponse
import io.chatsdk.client.models.E2eeCounts
import io.chatsdk.client.models.E2eeCountsResponse
import io.chatsdk.client.models.E2eeDevice
import io.chatsdk.client.models.E2eeDeviceRequest
import io.chatsdk.client.models.E2eeDeviceResponse
import io.chatsdk.client.models.E2eeDevicesResponse
import io.chatsdk.client.models.E2eeReplenishRequest

/**
 * The appliance's prekey directory for end-to-end encryption, as plain REST calls: publish this user's device keys,
 * top them up, and list or claim another user's. Keys are base64 of libsignal's serialized forms. The Signal
 * protocol itself (sessions, encryption) is in the optional `chatsdk-client-kotlin-e2ee` module, which links
 * libsignal (AGPLv3); this class does not.
 */
class E2eeDirectory internal constructor(private val client: ChatClient) {
    suspend fun publish(deviceId: Int, keys: E2eeDeviceRequest): E2eeDeviceResponse =
        ChatJson.decodeFromJsonElement(E2eeDeviceResponse.serializer(),
            client.request("PUT", "e2ee/devices/$deviceId", ChatJson.encodeToJsonElement(E2eeDeviceRequest.serializer(), keys)))

    suspend fun addKeys(deviceId: Int, keys: E2eeReplenishRequest): E2eeCounts =
        ChatJson.decodeFromJsonElement(E2eeCountsResponse.serializer(),
            client.request("POST", "e2ee/devices/$deviceId/keys", ChatJson.encodeToJsonElement(E2eeReplenishRequest.serializer(), keys))).counts

    suspend fun counts(deviceId: Int): E2eeCounts =
        ChatJson.decodeFromJsonElement(E2eeCountsResponse.serializer(), client.request("GET", "e2ee/devices/$deviceId/keys", null)).counts

    suspend fun removeDevice(deviceId: Int) {
        client.request("DELETE", "e2ee/devices/$deviceId", null)
    }

    suspend fun devices(userId: String): List<E2eeDevice> =
        ChatJson.decodeFromJsonElement(E2eeDevicesResponse.serializer(), client.request("GET", "e2ee/users/${segment(userId)}/devices", null)).devices

    /** Claims a bundle per device of [userId] (or of [deviceId] alone); each one-time key is handed out once. */
    suspend fun claim(userId: String, deviceId: Int? = null): List<E2eeBundle> =
        ChatJson.decodeFromJsonElement(E2eeBundlesResponse.serializer(), client.request("POST", "e2ee/users/${segment(userId)}/bundles", null,
            if (deviceId == null) emptyMap() else mapOf("device_id" to deviceId.toString()))).bundles

    private fun segment(userId: String) = java.net.URLEncoder.encode(userId, Charsets.UTF_8).replace("+", "%20")
}
