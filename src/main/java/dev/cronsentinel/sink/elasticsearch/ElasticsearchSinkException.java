package dev.cronsentinel.sink.elasticsearch;

/**
 * A failed Elasticsearch request. {@link #retryable()} tells the writer whether to pause and send again
 * (overload, a node down or restarting) or to fail the job (credentials refused, a request the cluster will never
 * accept). Messages name the failing call and the config key to check, never a credential.
 */
public class ElasticsearchSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public ElasticsearchSinkException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public ElasticsearchSinkException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The exception for a whole-request failure with this HTTP status. */
    static ElasticsearchSinkException forStatus(String call, int status, byte[] body) {
        String key = ElasticsearchSinkConfig.PREFIX;
        String snippet = BulkProtocol.snippet(body);
        if (BulkProtocol.retryableStatus(status)) {
            return new ElasticsearchSinkException(call + " got HTTP " + status + ": " + snippet, true);
        }
        switch (status) {
            case 401:
                return new ElasticsearchSinkException(call + " got HTTP 401: Elasticsearch refused the credentials; check "
                        + key + "auth.*", false);
            case 403:
                return new ElasticsearchSinkException(call + " got HTTP 403: the credentials lack a privilege: " + snippet, false);
            case 413:
                return new ElasticsearchSinkException(call + " got HTTP 413: the request exceeds the node's http.max_content_length; lower "
                        + key + "bulk.max-bytes", false);
            default:
                return new ElasticsearchSinkException(call + " got unexpected HTTP " + status + " (check " + key
                        + "endpoints): " + snippet, false);
        }
    }
}
