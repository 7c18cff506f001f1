package io.chatsdk.client

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.Base64
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * The real appliance for the SDK's tests: appliance-war's executable jar (Payara Micro, embedded PostgreSQL and
 * Artemis) started once per test JVM on a free port with a fresh data directory, stopped when the JVM exits.
 */
object TestAppliance {
    const val OPERATOR = "kotlin-sdk-operator-token-0123456789"
    private val http = HttpClient.newHttpClient()

    /** Settings added to the appliance's environment; set them before the first use of [port]. */
    val extraEnv: MutableMap<String, String> = mutableMapOf()

    val port: Int by lazy { start() }
    val baseUrl: String get() = "http://127.0.0.1:$port"

    /** The appliance's data directory: its embedded PostgreSQL (tables and WAL), the broker's journal, the files. */
    lateinit var dataDir: Path
        private set

    private fun start(): Int {
        val jar = Path.of("../../../appliance-war/target/chatsdk-appliance.jar").toAbsolutePath().normalize()
        check(Files.exists(jar)) { "$jar is missing: build appliance-war first (mvn install, or ./chatsdk build)" }
        val port = ServerSocket(0).use { it.localPort }
        val data = Files.createTempDirectory(Files.createDirectories(Path.of("target/it-appliance")), "data-").toAbsolutePath()
        dataDir = data
        val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
        val pb = ProcessBuilder(java, "-jar", jar.toString(), "--port", port.toString(), "--nohazelcast", "--disablephonehome")
            .redirectErrorStream(true).redirectOutput(data.resolveSibling(data.fileName.toString() + ".log").toFile())
        pb.environment().putAll(mapOf(
            "CHATSDK_PORT" to port.toString(),
            "CHATSDK_DATA_DIR" to data.toString(),
            "CHATSDK_OPERATOR_TOKEN" to OPERATOR,
            "CHATSDK_RATE_LIMIT_ENABLED" to "false",
            "CHATSDK_EGRESS_ALLOWLIST" to "127.0.0.1",   // the tests' own webhook receivers
        ) + extraEnv)
        val process = pb.start()
        Runtime.getRuntime().addShutdownHook(Thread { process.destroy(); process.waitFor() })
        val deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos()
        while (System.nanoTime() < deadline) {
            check(process.isAlive) { "the appliance exited; see ${data}.log" }
            val ready = runCatching {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:$port/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200
            }.getOrDefault(false)
            if (ready) return port
            Thread.sleep(500)
        }
        error("the appliance was not ready within 120 s; see ${data}.log")
    }

    /** A new app (its API key and secret) made through the operator API. */
    fun newApp(): App {
        val res = post("/admin/api/apps", """{"name":"kotlin-sdk-${System.nanoTime()}"}""", "Bearer $OPERATOR")
        return App(res["app"]!!.jsonObject["id"]!!.jsonPrimitive.content, res["api_key"]!!.jsonPrimitive.content, res["api_secret"]!!.jsonPrimitive.content)
    }

    fun post(path: String, body: String, auth: String): JsonObject = send("POST", path, body, auth)

    fun send(method: String, path: String, body: String, auth: String): JsonObject {
        val r = http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json").header("Authorization", auth)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(r.statusCode() in 200..299) { "$method $path: ${r.statusCode()} ${r.body()}" }
        return Json.parseToJsonElement(r.body()).jsonObject
    }

    class App(val id: String, val apiKey: String, val secret: String) {
        /** Revokes every token of the app issued until now (the operator API). */
        fun revokeTokens() {
            post("/admin/api/apps/$id/revoke-tokens", "{}", "Bearer $OPERATOR")
        }

        /** An HS256 user token, as the app's back end would sign it. */
        fun token(userId: String, secret: String = this.secret): String {
            val now = System.currentTimeMillis() / 1000
            return jwt(secret, """{"user_id":"$userId","iat":$now,"exp":${now + 3600}}""")
        }

        fun serverToken(): String = jwt(secret, """{"server":true,"iat":${System.currentTimeMillis() / 1000}}""")

        /** A server-side call with the app's server token. */
        fun serverPost(path: String, body: String): JsonObject = post("/api/v1$path?api_key=$apiKey", body, serverToken())

        fun serverPut(path: String, body: String): JsonObject = send("PUT", "/api/v1$path?api_key=$apiKey", body, serverToken())

        private fun jwt(secret: String, claims: String): String {
            val enc = Base64.getUrlEncoder().withoutPadding()
            val signingInput = enc.encodeToString("""{"alg":"HS256","typ":"JWT"}""".toByteArray()) + "." + enc.encodeToString(claims.toByteArray())
            val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }
            return signingInput + "." + enc.encodeToString(mac.doFinal(signingInput.toByteArray()))
        }
    }
}
