package io.chatsdk.jakarta;

import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.RequestContext;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A {@code multipart/form-data} body read as a stream of parts (Apache Commons FileUpload's streaming API): a part's
 * bytes go straight to the engine, and nothing is buffered in memory or on disk on the way.
 */
final class Multipart {
    private Multipart() {
    }

    /** The parts of {@code body}, in order; at most {@code maxParts}. */
    static FileItemInputIterator parts(InputStream body, String contentType, long contentLength, int maxParts) throws IOException {
        Streaming upload = new Streaming();
        upload.setFileCountMax(maxParts);
        return upload.getItemIterator(new RequestContext() {
            @Override
            public String getCharacterEncoding() {
                return "UTF-8";
            }

            @Override
            public long getContentLength() {
                return contentLength;
            }

            @Override
            public String getContentType() {
                return contentType;
            }

            @Override
            public InputStream getInputStream() {
                return body;
            }

            @Override
            public boolean isMultipartRelated() {
                return false;
            }
        });
    }

    /** Only the streaming half of the library is used: nothing is parsed into items kept in memory or on disk. */
    private static final class Streaming extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {
        @Override
        public FileItemInputIterator getItemIterator(RequestContext request) throws IOException {
            return super.getItemIterator(request);
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) {
            throw new UnsupportedOperationException("streaming only");
        }

        @Override
        public List<DiskFileItem> parseRequest(RequestContext request) {
            throw new UnsupportedOperationException("streaming only");
        }
    }
}
