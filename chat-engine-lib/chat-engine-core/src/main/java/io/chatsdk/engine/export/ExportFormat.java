package io.chatsdk.engine.export;

import io.chatsdk.engine.types.ChatException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Objects;

/**
 * The file formats of a compliance export, each with its wire name (as requested over the API), file
 * extension and content type, and a factory for its {@link ExportWriter}. The layouts are described in
 * {@code docs/compliance.md}.
 *
 * <pre>{@code
 * ExportFormat format = ExportFormat.fromWire(request.format());
 * response.setContentType(format.contentType());
 * try (ExportWriter writer = format.open(response.getOutputStream(), header)) { ... }
 * }</pre>
 *
 * Thread-safe (an enum); each writer it opens is not.
 */
public enum ExportFormat {
    /** JSON Lines: one JSON object per line, lossless. */
    JSONL("jsonl", ".jsonl", "application/x-ndjson"),
    /** CSV for spreadsheets: one row per message or membership change, formula-injection guarded. */
    CSV("csv", ".csv", "text/csv"),
    /**
     * A ZIP of RFC 5322 messages, one per chat message or membership change, for e-mail archives
     * (Global Relay style). The ZIP's central directory keeps every entry's name and offset until
     * {@link ExportWriter#close()}: about a hundred bytes per message, the one per-message cost of any
     * writer; split very large exports into several files.
     */
    EML("eml", ".zip", "application/zip"),
    /** Actiance (Smarsh) style XML, as Mattermost writes it. */
    XML("xml", ".xml", "application/xml");

    private final String wire;
    private final String fileExtension;
    private final String contentType;

    ExportFormat(String wire, String fileExtension, String contentType) {
        this.wire = wire;
        this.fileExtension = fileExtension;
        this.contentType = contentType;
    }

    /**
     * The format named {@code wire} ({@code jsonl}, {@code csv}, {@code eml} or {@code xml}, any case).
     *
     * @throws ChatException a validation error on field {@code format} for anything else
     */
    public static ExportFormat fromWire(String wire) {
        if (wire == null || wire.isBlank()) {
            throw ChatException.invalid("format", "is required (jsonl, csv, eml or xml)");
        }
        String name = wire.strip().toLowerCase(Locale.ROOT);
        for (ExportFormat format : values()) {
            if (format.wire.equals(name)) {
                return format;
            }
        }
        throw ChatException.invalid("format", "must be one of jsonl, csv, eml, xml");
    }

    /** The name used on the wire, for example {@code "jsonl"}. */
    public String wire() {
        return wire;
    }

    /** The file name extension including the dot, for example {@code ".jsonl"}; {@code ".zip"} for EML. */
    public String fileExtension() {
        return fileExtension;
    }

    /** The MIME type of the file, for example {@code "application/x-ndjson"}. */
    public String contentType() {
        return contentType;
    }

    /**
     * Opens a writer of this format on {@code out} and writes the document's opening (header).
     * The writer never closes {@code out}.
     */
    public ExportWriter open(OutputStream out, ExportHeader header) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(header, "header");
        return switch (this) {
            case JSONL -> new JsonlExportWriter(out, header);
            case CSV -> new CsvExportWriter(out, header);
            case EML -> new EmlExportWriter(out, header);
            case XML -> new XmlExportWriter(out, header);
        };
    }
}
