package io.chatsdk.connectors.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local FCM v1 stand-in itself, spoken to with raw HTTP: it refuses what FCM refuses, so the adapter tests that
 * pass against it are not passing against a server that accepts anything.
 */
@DisplayName("Local FCM v1 stand-in refuses what FCM refuses (raw HTTP, not Google)")
class FcmStandInSelfCheckIT {

    FcmStandIn standIn;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        standIn = FcmStandIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    HttpResponse<String> post(String path, String bearer, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(standIn.baseUri() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String body) throws Exception {
        return post("/v1/projects/p/messages:send", FcmStandIn.TEST_TOKEN, "application/json", body);
    }

    static JsonNode error(HttpResponse<String> response) throws IOException {
        return FcmStandInJson.JSON.readTree(response.body()).path("error");
    }

    @Test
    void acceptsAWellFormedSendAndNamesTheMessage() throws Exception {
        HttpResponse<String> response = send("{\"message\": {\"token\": \"t\", \"data\": {\"cid\": \"c\"}}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(FcmStandInJson.JSON.readTree(response.body()).path("name").asText()).startsWith("projects/p/messages/");
    }

    @Test
    void refusesMissingOrUnknownBearerTokensWith401() throws Exception {
        HttpResponse<String> none = post("/v1/projects/p/messages:send", null, "application/json", "{\"message\": {\"token\": \"t\"}}");
        HttpResponse<String> wrong = post("/v1/projects/p/messages:send", "guess", "application/json", "{\"message\": {\"token\": \"t\"}}");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong).path("status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(standIn.unauthenticatedAttempts()).isEqualTo(2);
    }

    @Test
    void refusesMalformedRequestsWithInvalidArgument() throws Exception {
        assertThat(send("{\"message\": {\"data\": {}}}").statusCode()).isEqualTo(400);
        assertThat(error(send("{\"message\": {\"data\": {}}}")).path("message").asText())
                .isEqualTo("Recipient of the message is not set.");
        assertThat(send("{\"message\": {\"token\": \"t\", \"topic\": \"news\"}}").statusCode()).isEqualTo(400);
        assertThat(send("{\"message\": {\"token\": \"t\", \"colour\": \"red\"}}").statusCode()).isEqualTo(400);
        assertThat(send("{\"msg\": {\"token\": \"t\"}}").statusCode()).isEqualTo(400);
        assertThat(send("{\"message\": {\"token\": \"t\", \"data\": {\"n\": 12}}}").statusCode()).isEqualTo(400);
        assertThat(send("{\"message\": {\"token\": \"t\", \"android\": {\"ttl\": \"3600\"}}}").statusCode()).isEqualTo(400);
        assertThat(send("{\"message\": ").statusCode()).isEqualTo(400);
        assertThat(post("/v1/projects/p/messages:send", FcmStandIn.TEST_TOKEN, "text/plain",
                "{\"message\": {\"token\": \"t\"}}").statusCode()).isEqualTo(400);
        assertThat(standIn.received()).isEmpty();
    }

    @Test
    void answersTheFcmErrorBodyChosenForAToken() throws Exception {
        standIn.failToken("gone", FcmFailure.UNREGISTERED);

        HttpResponse<String> response = send("{\"message\": {\"token\": \"gone\"}}");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = error(response);
        assertThat(error.path("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(error.path("details").get(0).path("@type").asText()).isEqualTo(FcmStandInJson.FCM_ERROR_TYPE);
        assertThat(error.path("details").get(0).path("errorCode").asText()).isEqualTo("UNREGISTERED");
    }
}
