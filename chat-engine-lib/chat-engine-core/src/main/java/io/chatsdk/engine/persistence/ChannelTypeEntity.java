package io.chatsdk.engine.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** JPA mapping of the {@code channel_type} table. {@code config} and {@code grants} are JSON text. */
@Entity
@Table(name = "channel_type")
@IdClass(ChannelTypeEntity.Key.class)
@NamedQuery(name = "ChannelTypeEntity.byApp", query = "select t from ChannelTypeEntity t where t.appId = :appId order by t.name")
public class ChannelTypeEntity {
    @Id
    @Column(name = "app_id")
    UUID appId;

    @Id
    @Column(name = "name")
    String name;

    @Column(name = "built_in", nullable = false)
    boolean builtIn;

    @Column(name = "config", nullable = false)
    String config;

    @Column(name = "grants", nullable = false)
    String grants;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected ChannelTypeEntity() {
    }

    public ChannelTypeEntity(UUID appId, String name, boolean builtIn, String config, String grants, Instant now) {
        this.appId = appId;
        this.name = name;
        this.builtIn = builtIn;
        this.config = config;
        this.grants = grants;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public static Key key(UUID appId, String name) {
        return new Key(appId, name);
    }

    public String name() {
        return name;
    }

    public boolean builtIn() {
        return builtIn;
    }

    public String config() {
        return config;
    }

    public String grants() {
        return grants;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public void update(String config, String grants, Instant now) {
        this.config = config;
        this.grants = grants;
        this.updatedAt = now;
    }

    /** Composite primary key. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        UUID appId;
        String name;

        public Key() {
        }

        Key(UUID appId, String name) {
            this.appId = appId;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(appId, k.appId) && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(appId, name);
        }
    }
}
