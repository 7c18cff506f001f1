package io.chatsdk.connectors.embeddings;

import io.chatsdk.engine.spi.Embedder;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2, quantised to 8 bits (23 MB), run in this JVM by ONNX Runtime through langchain4j: 384 dimensions,
 * trained mostly on English (other languages embed, less well). The model loads on first use, not at startup, so an
 * appliance whose apps keep AI off never loads it. Texts longer than the model's 256 word pieces are embedded in
 * parts and averaged (langchain4j's behaviour). Thread-safe.
 *
 * <pre>{@code
 * ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(kp).embedder(new LocalEmbedder()).build();
 * }</pre>
 */
public final class LocalEmbedder implements Embedder {
    /** The name stored beside each vector. */
    public static final String MODEL = "all-minilm-l6-v2-q";

    private volatile EmbeddingModel model;

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public float[] embed(String text) {
        return loaded().embed(text).content().vector();
    }

    /** Loads the model now (it otherwise loads on the first call); takes about a second. */
    public LocalEmbedder warmUp() {
        loaded();
        return this;
    }

    private EmbeddingModel loaded() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = new AllMiniLmL6V2QuantizedEmbeddingModel();
                    model = m;
                }
            }
        }
        return m;
    }
}
