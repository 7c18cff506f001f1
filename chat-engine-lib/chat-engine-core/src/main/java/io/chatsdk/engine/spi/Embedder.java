package io.chatsdk.engine.spi;

/**
 * Turns a text into a vector whose cosine with another text's vector says how close their meanings are: what semantic
 * search and smart replies compare. The engine calls it only for apps whose AI embeddings are switched on, on text that
 * was already redacted. An implementation runs the model in-process or on a server the operator runs; it must not send
 * text anywhere else. Thread-safe.
 */
public interface Embedder {
    /** The model's name, stored beside each vector: vectors of another model are not compared. */
    String model();

    /**
     * The vector of {@code text}, of unit length.
     *
     * @throws UnavailableException when the model cannot answer now (its server is down, slow or refuses the
     *                              credentials): the engine tries the text again later. Any other exception means the
     *                              model refused this text, which is then left without a vector.
     */
    float[] embed(String text);

    /** The model cannot answer now; asking again later may succeed. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
