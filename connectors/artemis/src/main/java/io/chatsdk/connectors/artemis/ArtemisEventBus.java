package io.chatsdk.connectors.artemis;

import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.EventBus;
import io.chatsdk.engine.types.AppId;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An {@link EventBus} that carries events between appliance nodes through an ActiveMQ Artemis address with multicast
 * routing: every node publishes to the address and receives everything from its own non-durable subscription queue,
 * so each node sees every event once, its own included.
 *
 * <pre>{@code
 * EventBus bus = ArtemisEventBus.connect("tcp://broker:61616", "chatsdk.events");
 * ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(kp).eventBus(bus).build();
 * }</pre>
 *
 * <p>{@link #publish} blocks until the broker has the message (at most 5 s, then it throws; longer while the broker
 * blocks producers because its disk is nearly full), so the outbox relay marks an event published only once the broker
 * accepted it. A publish that waits does not hold up {@link #subscribe}. Messages are not durable: PostgreSQL holds every event, and a node that missed some while it
 * was down recovers by seq. The client reconnects to a restarted broker by itself. Thread-safe; close it on shutdown.
 */
public final class ArtemisEventBus implements EventBus {
    private static final System.Logger LOG = System.getLogger(ArtemisEventBus.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final String address;
    private final BrokerLogin login;
    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession producerSession;
    private final ClientProducer producer;
    private final CopyOnWriteArrayList<Consumer<ChatEvent>> subscribers = new CopyOnWriteArrayList<>();
    private ClientSession consumerSession;
    private ClientConsumer consumer;
    private volatile boolean sending;

    private ArtemisEventBus(String url, String address, BrokerLogin login) throws Exception {
        this.address = address;
        this.login = login;
        this.locator = Locators.reconnecting(url)
                .setBlockOnNonDurableSend(true)
                .setBlockOnDurableSend(true);
        this.factory = locator.createSessionFactory();
        this.producerSession = session();
        this.producer = producerSession.createProducer(address);
    }

    /**
     * Connects to the broker at {@code url} ({@code tcp://host:61616}, or {@code vm://0} for an embedded broker in the
     * same JVM) and uses {@code address} for events.
     */
    public static ArtemisEventBus connect(String url, String address) {
        return connect(url, address, BrokerLogin.NONE);
    }

    /** Connects as {@code login}'s user. */
    public static ArtemisEventBus connect(String url, String address, BrokerLogin login) {
        try {
            return new ArtemisEventBus(url, address, login);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to the Artemis broker at " + Locators.redacted(url) + ": " + e.getMessage(), e);
        }
    }

    /** A session that sends and acknowledges as it goes, logged in as {@link #login}. */
    private ClientSession session() throws ActiveMQException {
        return factory.createSession(login.user(), login.password(), false, true, true, locator.isPreAcknowledge(), locator.getAckBatchSize());
    }

    @Override
    public void publish(ChatEvent event) {
        // its own lock: a send the broker holds back (it blocks producers when its disk is nearly full) must not hold up
        // subscribe, which a node's start calls
        synchronized (producer) {
            sending = true;
            try {
                ClientMessage m = producerSession.createMessage(false);
                m.getBodyBuffer().writeString(JSON.writeValueAsString(toMap(event)));
                producer.send(m);
            } catch (Exception e) {
                throw new IllegalStateException("the Artemis broker did not take event " + event.type() + " #" + event.id(), e);
            } finally {
                sending = false;
            }
        }
    }

    @Override
    public synchronized Subscription subscribe(Consumer<ChatEvent> subscriber) {
        subscribers.add(subscriber);
        if (consumer == null) {
            try {
                consumerSession = session();
                String queue = address + "." + UUID.randomUUID();
                consumerSession.createQueue(QueueConfiguration.of(queue).setAddress(address).setRoutingType(RoutingType.MULTICAST)
                        .setDurable(false).setTemporary(true));
                consumer = consumerSession.createConsumer(queue);
                consumer.setMessageHandler(this::onMessage);
                consumerSession.start();
            } catch (ActiveMQException e) {
                subscribers.remove(subscriber);
                throw new IllegalStateException("cannot subscribe to " + address + ": " + e.getMessage(), e);
            }
        }
        return () -> subscribers.remove(subscriber);
    }

    private void onMessage(ClientMessage m) {
        ChatEvent event;
        try {
            event = fromMap(JSON.readValue(m.getBodyBuffer().readString(), MAP));
            m.acknowledge();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "dropped an unreadable event message: " + e.getClass().getName());
            return;
        }
        for (Consumer<ChatEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "event subscriber failed on " + event.type() + " #" + event.id() + ": " + e.getClass().getName());
            }
        }
    }

    static Map<String, Object> toMap(ChatEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("app_id", e.appId().toString());
        m.put("type", e.type());
        m.put("cid", e.cid());
        m.put("seq", e.seq());
        m.put("created_at", e.createdAt().toString());
        m.put("payload", e.payload());
        return m;
    }

    @SuppressWarnings("unchecked")
    static ChatEvent fromMap(Map<String, Object> m) {
        Number seq = (Number) m.get("seq");
        return new ChatEvent(((Number) m.get("id")).longValue(), AppId.parse((String) m.get("app_id")), (String) m.get("type"),
                (String) m.get("cid"), seq == null ? null : seq.longValue(), Instant.parse((String) m.get("created_at")),
                (Map<String, Object>) m.get("payload"));
    }

    @Override
    public synchronized void close() {
        if (sending) {
            // a send the broker holds back keeps its producer's lock, and closing the session would wait for it forever:
            // cleaning the sessions up releases the send's credits, and it ends with an error
            factory.cleanup();
        }
        try {
            if (consumerSession != null) {
                consumerSession.close();
            }
            producerSession.close();
        } catch (ActiveMQException e) {
            LOG.log(Level.DEBUG, "closing Artemis sessions: " + e.getMessage());
        } finally {
            factory.close();
            locator.close();
        }
    }
}
