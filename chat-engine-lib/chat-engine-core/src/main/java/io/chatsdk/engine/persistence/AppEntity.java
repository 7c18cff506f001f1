package io.chatsdk.engine.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** JPA mapping of the {@code app} table (the tenant registry). */
@Entity
@Table(name = "app")
@NamedQuery(name = "AppEntity.byApiKey", query = "select a from AppEntity a where a.apiKey = :apiKey")
@NamedQuery(name = "AppEntity.all", query = "select a from AppEntity a order by a.createdAt")
public class AppEntity {
    @Id
    @Column(name = "id")
    UUID id;

    @Column(name = "name", nullable = false)
    String name;

    @Column(name = "api_key", nullable = false, unique = true)
    String apiKey;

    @Column(name = "secret_ciphertext", nullable = false)
    byte[] secretCiphertext;

    @Column(name = "previous_secret_ciphertext")
    byte[] previousSecretCiphertext;

    @Column(name = "previous_secret_expires_at")
    Instant previousSecretExpiresAt;

    @Column(name = "settings", nullable = false)
    String settings;

    @Column(name = "disabled", nullable = false)
    boolean disabled;

    @Column(name = "revoke_tokens_issued_before")
    Instant revokeTokensIssuedBefore;

    /** Written by crypto-shredding's native SQL, never by JPA. */
    @Column(name = "keys_destroyed_at", insertable = false, updatable = false)
    Instant keysDestroyedAt;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected AppEntity() {
    }

    public AppEntity(UUID id, String name, String apiKey, byte[] secretCiphertext, Instant now) {
        this.id = id;
        this.name = name;
        this.apiKey = apiKey;
        this.secretCiphertext = secretCiphertext;
        this.settings = "{}";
        this.createdAt = now;
        this.updatedAt = now;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String apiKey() {
        return apiKey;
    }

    public byte[] secretCiphertext() {
        return secretCiphertext;
    }

    public byte[] previousSecretCiphertext() {
        return previousSecretCiphertext;
    }

    public Instant previousSecretExpiresAt() {
        return previousSecretExpiresAt;
    }

    public Instant keysDestroyedAt() {
        return keysDestroyedAt;
    }

    public String settings() {
        return settings;
    }

    public boolean disabled() {
        return disabled;
    }

    public Instant revokeTokensIssuedBefore() {
        return revokeTokensIssuedBefore;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** Replaces the secret, keeping the old one valid until {@code graceUntil}. */
    public void rotateSecret(byte[] newCiphertext, Instant graceUntil, Instant now) {
        this.previousSecretCiphertext = this.secretCiphertext;
        this.previousSecretExpiresAt = graceUntil;
        this.secretCiphertext = newCiphertext;
        this.updatedAt = now;
    }

    public void setDisabled(boolean disabled, Instant now) {
        this.disabled = disabled;
        this.updatedAt = now;
    }

    public void revokeTokensIssuedBefore(Instant before, Instant now) {
        this.revokeTokensIssuedBefore = before;
        this.updatedAt = now;
    }
}
