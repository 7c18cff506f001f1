package io.chatsdk.connectors.fcm;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A throw-away Google service-account key file (fresh RSA key) whose token_uri is Google's, for the stand-in. */
public record TestServiceAccount(String projectId, String clientEmail, KeyPair keys) {

    public static TestServiceAccount generate(String projectId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TestServiceAccount(projectId, "chatsdk-push@" + projectId + ".iam.gserviceaccount.com",
                    generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key file as the Firebase console downloads it. */
    public String json() {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return FcmStandInJson.JSON.createObjectNode()
                .put("type", "service_account")
                .put("project_id", projectId)
                .put("private_key_id", "0123456789abcdef0123456789abcdef01234567")
                .put("private_key", pem)
                .put("client_email", clientEmail)
                .put("client_id", "100000000000000000001")
                .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
                .put("token_uri", FcmStandInOAuth.TOKEN_URI)
                .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
                .put("universe_domain", "googleapis.com")
                .toString();
    }
}
