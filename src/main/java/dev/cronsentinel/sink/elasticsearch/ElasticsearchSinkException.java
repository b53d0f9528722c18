package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ElasticsearchSinkConfig;

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

    /**
     * What a failed request comes to: an {@code ElasticsearchSinkException} as it is, a certificate the JVM does not
     * trust (or that does not match the address) as fatal, since no retry changes it, and any other transport
     * error (connection refused or reset, timeout, a handshake cut short by a restarting node) as retryable.
     */
    static ElasticsearchSinkException classify(Throwable err) {
        Throwable cause = err;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ElasticsearchSinkException) {
            return (ElasticsearchSinkException) cause;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return new ElasticsearchSinkException("TLS: the node's certificate is not trusted or does not match its "
                        + "address (" + t.getMessage() + "); set " + ElasticsearchSinkConfig.PREFIX
                        + "tls.ca-file to the CA that signed it", false, cause);
            }
        }
        return new ElasticsearchSinkException(cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), true, cause);
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
                return new ElasticsearchSinkException(call + " got HTTP 403: the credentials of " + key + "auth.* lack a "
                        + "privilege (writing " + key + "index and " + key + "dead-letter-index needs create_doc or index): "
                        + snippet, false);
            case 413:
                return new ElasticsearchSinkException(call + " got HTTP 413: the request exceeds the node's http.max_content_length; lower "
                        + key + "bulk.max-bytes", false);
            default:
                return new ElasticsearchSinkException(call + " got unexpected HTTP " + status + " (check " + key
                        + "endpoints): " + snippet, false);
        }
    }
}
